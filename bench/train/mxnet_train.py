"""MXNet 1.9.1 Module reference for bench/train: the classic train_mnist symbols and settings."""
import argparse, sys, time

import numpy as np
import mxnet as mx

from common import arguments, report, split


def symbol(name):
    data = mx.sym.Variable("data")
    if name == "mlp":
        x = mx.sym.Flatten(data)
        x = mx.sym.Activation(mx.sym.FullyConnected(x, name="fc1", num_hidden=128), act_type="relu")
        x = mx.sym.Activation(mx.sym.FullyConnected(x, name="fc2", num_hidden=64), act_type="relu")
        x = mx.sym.FullyConnected(x, name="fc3", num_hidden=10)
    else:
        x = mx.sym.Convolution(data, name="conv1", kernel=(5, 5), num_filter=20)
        x = mx.sym.Pooling(mx.sym.Activation(x, act_type="tanh"), pool_type="max", kernel=(2, 2), stride=(2, 2))
        x = mx.sym.Convolution(x, name="conv2", kernel=(5, 5), num_filter=50)
        x = mx.sym.Pooling(mx.sym.Activation(x, act_type="tanh"), pool_type="max", kernel=(2, 2), stride=(2, 2))
        x = mx.sym.FullyConnected(mx.sym.Flatten(x), name="fc1", num_hidden=500)
        x = mx.sym.FullyConnected(mx.sym.Activation(x, act_type="tanh"), name="fc2", num_hidden=10)
    return mx.sym.SoftmaxOutput(x, name="softmax")


def main():
    a = arguments(argparse.ArgumentParser()).parse_args()
    (xtr, ytr), (xte, yte) = split(a.data, "train"), split(a.data, "t10k")
    train = mx.io.NDArrayIter(xtr.astype(np.float32) / 255, ytr.astype(np.float32), a.batch, shuffle=True)
    test = mx.io.NDArrayIter(xte.astype(np.float32) / 255, yte.astype(np.float32), 1000)
    mod = mx.mod.Module(symbol(a.net), context=mx.cpu())
    stamps, accuracy = [time.perf_counter()], []

    def epoch_end(epoch, sym, arg, aux):
        stamps.append(time.perf_counter())

    def eval_end(param):
        pass

    mod.bind(data_shapes=train.provide_data, label_shapes=train.provide_label)
    mod.init_params(mx.init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2))
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": a.lr, "momentum": a.momentum,
                                                          "wd": a.wd, "rescale_grad": 1.0 / a.batch})
    seconds = []
    metric = mx.metric.Accuracy()
    for epoch in range(a.epochs):
        train.reset()
        start = time.perf_counter()
        for batch in train:
            mod.forward_backward(batch)
            mod.update()
        mx.nd.waitall()
        seconds.append(time.perf_counter() - start)
        test.reset()
        metric.reset()
        mod.score(test, metric)
        accuracy.append(metric.get()[1])
        print(f"mxnet {a.net} epoch {epoch + 1}: {len(xtr) / seconds[-1]:.0f} img/s test {accuracy[-1]:.4f}",
              file=sys.stderr, flush=True)
    report(len(xtr), seconds, accuracy)


if __name__ == "__main__":
    main()
