// Module NN: autograd, layers, models, optimisers and the training loop.
//
//   Variable / Function   tape autograd: each op is a Function type with explicit forward
//                         (static apply) and backward; Variable.backward() walks the tape.
//                         DenseFunction, MatMulFunction, Conv2DFunction, MaxPool2DFunction,
//                         AvgPool2DFunction, GlobalAvgPoolFunction, ActivationFunction,
//                         SoftmaxCrossEntropyFunction, SoftmaxFunction (log too),
//                         BatchNormFunction, DropoutFunction, BroadcastFunction (add/sub/mul),
//                         ConcatFunction, ReshapeFunction (flatten), TransposeFunction.
//                         withoutGradient { } records nothing (inference).
//   Layer                 callAsFunction, named Parameters (MXNet names: conv1_weight, ...),
//                         outputShape(for:), isTraining. Dense, Conv2D, MaxPool2D, AvgPool2D,
//                         GlobalAvgPool2D, Flatten, ActivationLayer, Dropout, BatchNorm,
//                         Sequential (summary(inputShape:) → [LayerInfo]).
//   Models                Models.mlp(), Models.lenet(activation:) — MXNet train_mnist nets.
//   Optimizer             SGD (MXNet momentum/wd rule), Adam; StepSchedule, CosineSchedule.
//   train / evaluate      data-parallel batch shards on our own threads (BLAS single-
//                         threaded), progress callback at a bounded rate, cooperative stop,
//                         deterministic for a seed and thread count; Evaluation with
//                         accuracy, per-class accuracy and confusion matrix.
