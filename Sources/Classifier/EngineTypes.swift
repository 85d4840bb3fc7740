import NN
import Tensor

// The engine's plain data types that a caller of this façade sees, named once here so the
// bridge (TabbyKernel) and the CLI need no engine module besides Classifier. Only records and
// the device enum are named; behaviour goes through Classifier's own types (TrainableModel,
// Trainer, ComputeContext, Photo, ClassifierSession).

/// Where work runs: `.cpu` or `.gpu(n)`.
public typealias ComputeDevice = Device
/// Asking for a device this process cannot use.
public typealias ComputeDeviceError = DeviceError
/// A progress report of a training run (bounded rate, and every epoch's end).
public typealias TrainingProgress = NN.TrainingProgress
/// Every finished (or partial, when stopped) epoch of a training run.
public typealias TrainingHistory = NN.TrainingHistory
/// What one training epoch did.
public typealias EpochRecord = NN.EpochRecord
/// Accuracy, per-class accuracy and confusion matrix of a trainable model on a split.
public typealias Evaluation = NN.Evaluation
/// One row of a trainable model's summary: name, kind, output shape, parameters.
public typealias LayerInfo = NN.LayerInfo
