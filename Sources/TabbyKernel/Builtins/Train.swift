import CellLanguage
import Classifier

extension SessionBuiltins {
  /// `train(...)`: its signature is written from `TrainingConfiguration`'s defaults, the same
  /// defaults `tabby train` uses, so help, binding and the CLI agree.
  static func trainBuiltin(_ state: SessionState) -> Builtin {
    let d = TrainingConfiguration()
    let signature =
      "train(model, data, epochs=\(d.epochs), batch=\(d.batchSize), lr=None, "
      + "momentum=\(d.momentum), optimizer='\(d.optimizer.rawValue)', "
      + "schedule='\(d.schedule.rawValue)', seed=\(d.seed), wd=\(d.weightDecay), workers=None, hosts=None)"
    let rates = TrainingConfiguration.OptimizerKind.allCases.map {
      "'\($0.rawValue)' (lr \(TrainingConfiguration.defaultLearningRate(for: $0)) by default)"
    }
    return Builtin(
      signature,
      summary: "Trains a model on a data set, showing progress and a loss/accuracy curve in place.",
      details: """
        optimizer is \(rates.joined(separator: " or ")); schedule is \
        \(TrainingConfiguration.Schedule.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")) \
        (cosine: from lr down to 0 over the run). The same settings, seed and ctx(threads=…) give the same \
        weights as `tabby train`. Interrupting (the stop button) stops at the next batch: the model keeps \
        the weights it reached and model.history the partial history.
        Returns the history (also model.history). workers=N trains on N processes under mpirun (batch is         per worker; hosts= an Open MPI host file); the data must be an mnist() data set on disk.
        """
    ) { a, ctx in try train(a, ctx, state) }
  }

  /// The training configuration a call asks for; every default comes from the declaration.
  static func configuration(_ a: BoundArguments) throws -> TrainingConfiguration {
    var c = TrainingConfiguration()
    c.epochs = try a.int("epochs", default: c.epochs)
    c.batchSize = try a.int("batch", default: c.batchSize)
    c.learningRate = try a.double("lr")
    c.momentum = try a.double("momentum", default: c.momentum)
    c.weightDecay = try a.double("wd", default: c.weightDecay)
    c.seed = UInt64(truncatingIfNeeded: try a.int("seed", default: Int(truncatingIfNeeded: c.seed)))
    let optimizer = try a.string("optimizer", default: c.optimizer.rawValue)
    guard let kind = TrainingConfiguration.OptimizerKind(rawValue: optimizer) else {
      throw CellError.valueError("optimizer must be 'sgd' or 'adam', not '\(optimizer)'")
    }
    c.optimizer = kind
    let schedule = try a.string("schedule", default: c.schedule.rawValue)
    guard let s = TrainingConfiguration.Schedule(rawValue: schedule) else {
      throw CellError.valueError("schedule must be 'cosine', 'step' or 'none', not '\(schedule)'")
    }
    c.schedule = s
    try engine { try c.validate() }
    return c
  }

  static func train(_ a: BoundArguments, _ ctx: CallContext, _ state: SessionState) throws -> Value
  {
    guard
      let model = try a.host(
        "model", as: NetModel.self, expected: "a trainable Model (lenet(), mlp())")
    else { return .none }
    let (trainSet, testSet) = try trainingSets(a["data"])
    let config = try configuration(a)
    // workers=N: the same run on N `tabby train` processes under mpirun.
    if let workers = try a.int("workers") {
      return try trainOnWorkers(a, ctx, state, model: model, workers: workers, config: config)
    }
    try state.checkDevice()
    let display = TrainingDisplay(
      sink: ctx.sink, barID: state.newDisplayID("progress"), chartID: state.newDisplayID("curve"),
      images: trainSet.count, epochs: config.epochs)
    let history = try engine {
      try Trainer(config, context: state.context).train(
        model.model, on: trainSet, test: testSet, progressInterval: 0.125,
        progress: { display.report($0) }, shouldStop: { ctx.interrupt.isRaised })
    }
    return try finish(history, display: display, model: model, images: trainSet.count, config, ctx)
  }

  /// `train(..., workers=N, hosts=None)`: rank 0's progress into the usual live display and
  /// its weights back into the model; a failed job leaves the model as it was.
  static func trainOnWorkers(
    _ a: BoundArguments, _ ctx: CallContext, _ state: SessionState, model: NetModel, workers: Int,
    config: TrainingConfiguration
  ) throws -> Value {
    guard case .host(let data as DatasetValue)? = a["data"] else {
      throw CellError.typeError(
        "train(workers=...) needs a Dataset from mnist(path) that every worker can read from disk; "
          + "a split or an in-memory data set cannot be sent to other processes")
    }
    let job = try engine { try WorkerTraining(workers: workers, hostfile: try a.string("hosts")) }
    let display = TrainingDisplay(
      sink: ctx.sink, barID: state.newDisplayID("progress"), chartID: state.newDisplayID("curve"),
      images: data.train.images.count, epochs: config.epochs)
    let history: TrainingHistory
    do {
      history = try engine {
        try job.train(
          model.model, on: data.dataset, configuration: config, context: state.context,
          progress: { display.report($0) }, shouldStop: { ctx.interrupt.isRaised })
      }
    } catch let failure as WorkerFailure {
      display.finish(stoppedAt: "failure")
      throw CellError(ename: "RuntimeError", failure.description)
    }
    var perWorker = config
    perWorker.batchSize *= workers
    return try finish(history, display: display, model: model, images: data.train.images.count, perWorker, ctx)
  }

  /// Closes the live display, keeps the history on the model and reports an interruption.
  static func finish(
    _ history: TrainingHistory, display: TrainingDisplay, model: NetModel, images: Int,
    _ config: TrainingConfiguration, _ ctx: CallContext
  ) throws -> Value {
    let stoppedAt =
      history.stopped
      ? stopPoint(history, images: images, batch: config.batchSize, epochs: config.epochs)
      : nil
    display.finish(stoppedAt: stoppedAt)
    let value = HistoryValue(history, curve: display.curve, stoppedAt: stoppedAt)
    model.history = value
    if let stoppedAt {
      ctx.sink.stream(
        .stderr, "training interrupted at \(stoppedAt); model.history holds the partial history\n")
      try ctx.checkInterrupt()
    }
    return .host(value)
  }

  /// The training split and, for a whole data set, the test split evaluated each epoch.
  static func trainingSets(_ v: Value?) throws -> (ImageSet, ImageSet?) {
    switch v {
    case .host(let d as DatasetValue)?: return (d.train.images, d.test.images)
    case .host(let s as SplitValue)?: return (s.images, nil)
    case let v:
      throw CellError.typeError(
        "train() argument 'data' must be a Dataset from mnist(), not '\(v?.typeName ?? "None")'")
    }
  }

  /// Where a stopped run ended, from its history: "epoch 1/3, batch 37/94".
  static func stopPoint(_ history: TrainingHistory, images: Int, batch: Int, epochs: Int) -> String
  {
    let batches = (images + batch - 1) / batch
    if let last = history.epochs.last, last.images < images {
      return "epoch \(last.epoch)/\(epochs), batch \((last.images + batch - 1) / batch)/\(batches)"
    }
    return "epoch \(history.epochs.count + 1)/\(epochs), batch 0/\(batches)"
  }
}
