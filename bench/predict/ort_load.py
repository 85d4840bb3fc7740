"""Prints the milliseconds onnxruntime takes to make a session for MODEL with THREADS intra-op
threads, in this fresh process (as each `tabby predict` loads): `ort_load.py MODEL THREADS`.
bench.py and load.sh both time onnxruntime's load through it."""
import sys
import time

import onnxruntime as ort

opts = ort.SessionOptions()
opts.intra_op_num_threads, opts.inter_op_num_threads = int(sys.argv[2]), 1
start = time.perf_counter()
ort.InferenceSession(sys.argv[1], opts, providers=["CPUExecutionProvider"])
print(round((time.perf_counter() - start) * 1000, 1))
