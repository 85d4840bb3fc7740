// Tabby's device kernels: the one source of truth for both builds.
//  * On a GPU, NVRTC compiles this text (embedded into the binary by kernel_source.c with
//    C23 #embed) as CUDA C++ for the device's compute capability.
//  * In tests and on machines without a GPU, host_kernels.c includes it as plain C after
//    tabby_cuda_host.h, which maps __global__, blockIdx/threadIdx/blockDim/gridDim onto the
//    host launcher's loops.
// So every kernel is written grid-stride (any launch shape covers the data), without shared
// memory or __syncthreads, and in the common subset of C and C++ (no references, no
// templates, no casts but C casts). Indices are int: the device layer refuses buffers of
// 2^31 elements or more before it launches.
#ifdef __CUDACC__
#define TABBY_KERNEL extern "C" __global__ void
#define TK_INLINE __device__ static inline
#define TK_NEG_INF (-__int_as_float(0x7f800000))
#endif

#define TK_LOOP(i, n) \
  for (int i = (int)(blockIdx.x * blockDim.x + threadIdx.x); i < (n); \
       i += (int)(blockDim.x * gridDim.x))

// MARK: Elementwise

/// y[i] = v.
TABBY_KERNEL tk_fill(int n, float v, float *__restrict__ y) {
  TK_LOOP(i, n) { y[i] = v; }
}

// Unary op codes (GPU/Kernels.swift mirrors them).
#define TK_RELU 0
#define TK_TANH 1
#define TK_SIGMOID 2
#define TK_CLIP 3
#define TK_LEAKY 4
#define TK_EXP 5
#define TK_NEGATE 6
#define TK_SQUARE 7
#define TK_SQRT 8
#define TK_SCALE 9

TK_INLINE float tk_unary_value(int op, float a, float b, float v) {
  switch (op) {
  case TK_RELU: return v > 0.0f ? v : 0.0f;
  case TK_TANH: return tanhf(v);
  case TK_SIGMOID: return 1.0f / (1.0f + expf(-v));
  case TK_CLIP: return fminf(fmaxf(v, a), b);
  case TK_LEAKY: return v > 0.0f ? v : a * v;
  case TK_EXP: return expf(v);
  case TK_NEGATE: return -v;
  case TK_SQUARE: return v * v;
  case TK_SQRT: return sqrtf(v);
  default: return a * v;
  }
}

/// y[i] = f(x[i]) for the op code; a and b are the op's parameters (clip bounds, slope, scale).
TABBY_KERNEL tk_unary(int n, int op, float a, float b, const float *x, float *y) {
  TK_LOOP(i, n) { y[i] = tk_unary_value(op, a, b, x[i]); }
}

/// dx[i] = dy[i]·f'(x[i]); each op reads whichever of its input x or output y is cheaper.
TABBY_KERNEL tk_unary_backward(
    int n, int op, float a, float b, const float *__restrict__ x, const float *__restrict__ y,
    const float *__restrict__ dy, float *__restrict__ dx) {
  TK_LOOP(i, n) {
    float g = dy[i], d;
    switch (op) {
    case TK_RELU: d = x[i] > 0.0f ? g : 0.0f; break;
    case TK_TANH: d = g * (1.0f - y[i] * y[i]); break;
    case TK_SIGMOID: d = g * y[i] * (1.0f - y[i]); break;
    case TK_CLIP: d = (x[i] >= a && x[i] <= b) ? g : 0.0f; break;
    case TK_LEAKY: d = x[i] > 0.0f ? g : a * g; break;
    case TK_EXP: d = g * y[i]; break;
    case TK_NEGATE: d = -g; break;
    case TK_SQUARE: d = 2.0f * x[i] * g; break;
    case TK_SQRT: d = g * 0.5f / y[i]; break;
    default: d = a * g; break;
    }
    dx[i] = d;
  }
}

// Binary op codes.
#define TK_ADD 0
#define TK_SUB 1
#define TK_MUL 2
#define TK_DIV 3
#define TK_MAX 4
#define TK_MIN 5

/// y = a ∘ b with numpy broadcasting over a 4-D output [d0, d1, d2, d3]; a broadcast
/// dimension has stride 0 in as*/bs*.
TABBY_KERNEL tk_binary(
    int n, int op, int d1, int d2, int d3, int as0, int as1, int as2, int as3, int bs0, int bs1,
    int bs2, int bs3, const float *a, const float *b, float *y) {
  TK_LOOP(i, n) {
    int i3 = i % d3, r = i / d3;
    int i2 = r % d2;
    r /= d2;
    int i1 = r % d1, i0 = r / d1;
    float u = a[i0 * as0 + i1 * as1 + i2 * as2 + i3 * as3];
    float v = b[i0 * bs0 + i1 * bs1 + i2 * bs2 + i3 * bs3];
    float o;
    switch (op) {
    case TK_ADD: o = u + v; break;
    case TK_SUB: o = u - v; break;
    case TK_MUL: o = u * v; break;
    case TK_DIV: o = u / v; break;
    case TK_MAX: o = fmaxf(u, v); break;
    default: o = fminf(u, v); break;
    }
    y[i] = o;
  }
}

/// y[i] = x[i] + bias[(i / inner) % channels]: a conv's (inner = plane) or dense's bias.
TABBY_KERNEL tk_bias_add(
    int n, int channels, int inner, const float *x, const float *__restrict__ bias, float *y) {
  TK_LOOP(i, n) { y[i] = x[i] + bias[(i / inner) % channels]; }
}

/// y[a] = beta·y[a] + Σ_o Σ_i x[o, a, i]: a bias gradient (one thread per output). With
/// beta = 0, y is not read (as in BLAS): fresh device memory may hold NaN bit patterns.
TABBY_KERNEL tk_reduce_outer_inner(
    int outer, int axis, int inner, float beta, const float *__restrict__ x,
    float *__restrict__ y) {
  TK_LOOP(a, axis) {
    float s = 0.0f;
    for (int o = 0; o < outer; o++) {
      const float *row = x + ((long)o * axis + a) * inner;
      for (int i = 0; i < inner; i++) s += row[i];
    }
    y[a] = beta == 0.0f ? s : beta * y[a] + s;
  }
}

/// y[o, i] = Σ_a x[o, a, i].
TABBY_KERNEL tk_reduce_axis(
    int outer, int axis, int inner, const float *__restrict__ x, float *__restrict__ y) {
  TK_LOOP(j, outer * inner) {
    int o = j / inner, i = j % inner;
    float s = 0.0f;
    for (int a = 0; a < axis; a++) s += x[((long)o * axis + a) * inner + i];
    y[j] = s;
  }
}

/// y[q, p, r] = x[p, q, r] for x [P, Q, R]: NCHW ↔ CNHW around the convolution's gemm.
TABBY_KERNEL tk_swap01(int p, int q, int r, const float *__restrict__ x, float *__restrict__ y) {
  TK_LOOP(j, p * q * r) {
    int k = j % r, t = j / r;
    int b = t % q, a = t / q;
    y[((long)b * p + a) * r + k] = x[j];
  }
}

// MARK: Convolution (im2col + gemm)

/// cols[(c·kh + ki)·kw + kj, n·oh·ow + oy·ow + ox] = x[n, c, iy, ix] (0 outside the image),
/// the CPU backend's layout.
TABBY_KERNEL tk_im2col(
    int images, int channels, int height, int width, int kh, int kw, int sh, int sw, int ph,
    int pw, int dh, int dw, int oh, int ow, const float *__restrict__ x,
    float *__restrict__ cols) {
  int columns = images * oh * ow;
  TK_LOOP(j, channels * kh * kw * columns) {
    int col = j % columns, row = j / columns;
    int ox = col % ow, t = col / ow;
    int oy = t % oh, n = t / oh;
    int kj = row % kw, t2 = row / kw;
    int ki = t2 % kh, c = t2 / kh;
    int iy = oy * sh - ph + ki * dh, ix = ox * sw - pw + kj * dw;
    float v = 0.0f;
    if (iy >= 0 && iy < height && ix >= 0 && ix < width)
      v = x[(((long)n * channels + c) * height + iy) * width + ix];
    cols[j] = v;
  }
}

/// x[n, c, iy, ix] = Σ of the columns that read it (a gather: no atomics, deterministic).
TABBY_KERNEL tk_col2im(
    int images, int channels, int height, int width, int kh, int kw, int sh, int sw, int ph,
    int pw, int dh, int dw, int oh, int ow, const float *__restrict__ cols,
    float *__restrict__ x) {
  int columns = images * oh * ow;
  TK_LOOP(j, images * channels * height * width) {
    int ix = j % width, t = j / width;
    int iy = t % height;
    t /= height;
    int c = t % channels, n = t / channels;
    float s = 0.0f;
    for (int ki = 0; ki < kh; ki++) {
      int ty = iy + ph - ki * dh;
      if (ty < 0 || ty % sh != 0 || ty / sh >= oh) continue;
      for (int kj = 0; kj < kw; kj++) {
        int tx = ix + pw - kj * dw;
        if (tx < 0 || tx % sw != 0 || tx / sw >= ow) continue;
        int row = (c * kh + ki) * kw + kj;
        s += cols[(long)row * columns + ((long)n * oh + ty / sh) * ow + tx / sw];
      }
    }
    x[j] = s;
  }
}

// MARK: Pooling (one plane = one image's channel; windows clipped to the image)

/// Max over each window; argmax[j] is the winner's offset in its input plane.
TABBY_KERNEL tk_maxpool(
    int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow,
    const float *__restrict__ x, float *__restrict__ y, int *__restrict__ argmax) {
  TK_LOOP(j, planes * oh * ow) {
    int ox = j % ow, t = j / ow;
    int oy = t % oh, pl = t / oh;
    int y0 = max(oy * sh - ph, 0), y1 = min(oy * sh - ph + kh, h);
    int x0 = max(ox * sw - pw, 0), x1 = min(ox * sw - pw + kw, w);
    const float *src = x + (long)pl * h * w;
    float best = TK_NEG_INF;
    int at = y0 * w + x0;
    for (int iy = y0; iy < y1; iy++)
      for (int ix = x0; ix < x1; ix++)
        if (src[iy * w + ix] > best) {
          best = src[iy * w + ix];
          at = iy * w + ix;
        }
    y[j] = (y0 < y1 && x0 < x1) ? best : 0.0f;
    argmax[j] = at;
  }
}

/// dx[pl, iy, ix] = Σ dy over the windows whose winner is (iy, ix) (a gather).
TABBY_KERNEL tk_maxpool_backward(
    int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow,
    const float *__restrict__ dy, const int *__restrict__ argmax, float *__restrict__ dx) {
  TK_LOOP(j, planes * h * w) {
    int ix = j % w, t = j / w;
    int iy = t % h, pl = t / h;
    int here = iy * w + ix;
    // Windows covering iy: oy·sh − ph ≤ iy < oy·sh − ph + kh.
    int oyLo = max((iy + ph - kh + sh) / sh, 0), oyHi = min((iy + ph) / sh, oh - 1);
    int oxLo = max((ix + pw - kw + sw) / sw, 0), oxHi = min((ix + pw) / sw, ow - 1);
    float s = 0.0f;
    long base = (long)pl * oh * ow;
    for (int oy = oyLo; oy <= oyHi; oy++)
      for (int ox = oxLo; ox <= oxHi; ox++)
        if (argmax[base + oy * ow + ox] == here) s += dy[base + oy * ow + ox];
    dx[j] = s;
  }
}

TK_INLINE int tk_pool_count(
    int oy, int ox, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int phEnd,
    int pwEnd, int countPad) {
  int ys = oy * sh - ph, xs = ox * sw - pw;
  if (countPad)
    return (min(ys + kh, h + phEnd) - ys) * (min(xs + kw, w + pwEnd) - xs);
  return (min(ys + kh, h) - max(ys, 0)) * (min(xs + kw, w) - max(xs, 0));
}

/// Mean over each window; the divisor counts padding when countPad is set (ONNX
/// count_include_pad), padding up to phEnd/pwEnd after the image.
TABBY_KERNEL tk_avgpool(
    int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int phEnd,
    int pwEnd, int countPad, int oh, int ow, const float *__restrict__ x,
    float *__restrict__ y) {
  TK_LOOP(j, planes * oh * ow) {
    int ox = j % ow, t = j / ow;
    int oy = t % oh, pl = t / oh;
    int y0 = max(oy * sh - ph, 0), y1 = min(oy * sh - ph + kh, h);
    int x0 = max(ox * sw - pw, 0), x1 = min(ox * sw - pw + kw, w);
    const float *src = x + (long)pl * h * w;
    float s = 0.0f;
    for (int iy = y0; iy < y1; iy++)
      for (int ix = x0; ix < x1; ix++) s += src[iy * w + ix];
    int count = tk_pool_count(oy, ox, h, w, kh, kw, sh, sw, ph, pw, phEnd, pwEnd, countPad);
    y[j] = count > 0 ? s / (float)count : 0.0f;
  }
}

/// dx[pl, iy, ix] = Σ dy / count over the windows covering (iy, ix).
TABBY_KERNEL tk_avgpool_backward(
    int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int phEnd,
    int pwEnd, int countPad, int oh, int ow, const float *__restrict__ dy,
    float *__restrict__ dx) {
  TK_LOOP(j, planes * h * w) {
    int ix = j % w, t = j / w;
    int iy = t % h, pl = t / h;
    float s = 0.0f;
    long base = (long)pl * oh * ow;
    for (int oy = 0; oy < oh; oy++) {
      int ys = oy * sh - ph;
      if (iy < ys || iy >= ys + kh) continue;
      for (int ox = 0; ox < ow; ox++) {
        int xs = ox * sw - pw;
        if (ix < xs || ix >= xs + kw) continue;
        int count = tk_pool_count(oy, ox, h, w, kh, kw, sh, sw, ph, pw, phEnd, pwEnd, countPad);
        if (count > 0) s += dy[base + oy * ow + ox] / (float)count;
      }
    }
    dx[j] = s;
  }
}

// MARK: Loss

/// probs = softmax(logits) row by row; loss[r] = −log p[r, label[r]] (one thread per row).
TABBY_KERNEL tk_softmax_xent(
    int rows, int classes, const float *__restrict__ logits, const int *__restrict__ labels,
    float *__restrict__ probs, float *__restrict__ loss) {
  TK_LOOP(r, rows) {
    const float *z = logits + (long)r * classes;
    float *p = probs + (long)r * classes;
    float m = TK_NEG_INF, s = 0.0f;
    for (int k = 0; k < classes; k++) m = fmaxf(m, z[k]);
    for (int k = 0; k < classes; k++) {
      p[k] = expf(z[k] - m);
      s += p[k];
    }
    for (int k = 0; k < classes; k++) p[k] /= s;
    loss[r] = -logf(fmaxf(p[labels[r]], 1e-30f));
  }
}

/// dlogits = scale·(probs − onehot(labels)).
TABBY_KERNEL tk_softmax_xent_backward(
    int rows, int classes, float scale, const float *__restrict__ probs,
    const int *__restrict__ labels, float *__restrict__ dlogits) {
  TK_LOOP(j, rows * classes) {
    int r = j / classes, k = j % classes;
    dlogits[j] = scale * (probs[j] - (labels[r] == k ? 1.0f : 0.0f));
  }
}

// MARK: Batch norm (training statistics over N and the plane)

/// mean[c], invstd[c] over x [N, C, inner] (two passes; one thread per channel).
TABBY_KERNEL tk_batchnorm_stats(
    int n, int c, int inner, float eps, const float *__restrict__ x, float *__restrict__ mean,
    float *__restrict__ variance, float *__restrict__ invstd) {
  TK_LOOP(ch, c) {
    float count = (float)(n * inner), s = 0.0f, s2 = 0.0f;
    for (int i = 0; i < n; i++)
      for (int k = 0; k < inner; k++) s += x[((long)i * c + ch) * inner + k];
    float mu = s / count;
    for (int i = 0; i < n; i++)
      for (int k = 0; k < inner; k++) {
        float d = x[((long)i * c + ch) * inner + k] - mu;
        s2 += d * d;
      }
    mean[ch] = mu;
    variance[ch] = s2 / count;
    invstd[ch] = 1.0f / sqrtf(s2 / count + eps);
  }
}

/// y = γ·(x − mean)·invstd + β per channel.
TABBY_KERNEL tk_batchnorm(
    int total, int c, int inner, const float *__restrict__ x, const float *__restrict__ mean,
    const float *__restrict__ invstd, const float *__restrict__ gamma,
    const float *__restrict__ beta, float *__restrict__ y) {
  TK_LOOP(j, total) {
    int ch = (j / inner) % c;
    y[j] = gamma[ch] * (x[j] - mean[ch]) * invstd[ch] + beta[ch];
  }
}

/// dγ[c] = Σ dy·x̂, dβ[c] = Σ dy (one thread per channel).
TABBY_KERNEL tk_batchnorm_backward_reduce(
    int n, int c, int inner, const float *__restrict__ x, const float *__restrict__ dy,
    const float *__restrict__ mean, const float *__restrict__ invstd,
    float *__restrict__ dgamma, float *__restrict__ dbeta) {
  TK_LOOP(ch, c) {
    float sg = 0.0f, sgx = 0.0f;
    for (int i = 0; i < n; i++)
      for (int k = 0; k < inner; k++) {
        long at = ((long)i * c + ch) * inner + k;
        sg += dy[at];
        sgx += dy[at] * (x[at] - mean[ch]) * invstd[ch];
      }
    dgamma[ch] = sgx;
    dbeta[ch] = sg;
  }
}

/// dx = γ·invstd/m · (m·dy − dβ − x̂·dγ), m = N·inner.
TABBY_KERNEL tk_batchnorm_backward(
    int total, int c, int inner, float m, const float *__restrict__ x,
    const float *__restrict__ dy, const float *__restrict__ mean,
    const float *__restrict__ invstd, const float *__restrict__ gamma,
    const float *__restrict__ dgamma, const float *__restrict__ dbeta, float *__restrict__ dx) {
  TK_LOOP(j, total) {
    int ch = (j / inner) % c;
    float xhat = (x[j] - mean[ch]) * invstd[ch];
    dx[j] = gamma[ch] * invstd[ch] / m * (m * dy[j] - dbeta[ch] - xhat * dgamma[ch]);
  }
}

// MARK: Dropout (a counter-based hash, so host and device draw the same mask)

TK_INLINE unsigned int tk_hash(unsigned int a) {
  a ^= a >> 16;
  a *= 0x7feb352dU;
  a ^= a >> 15;
  a *= 0x846ca68bU;
  a ^= a >> 16;
  return a;
}

/// mask[i] = 0 with probability p, else 1/(1−p); y = x·mask.
TABBY_KERNEL tk_dropout(
    int n, float p, unsigned int seed, const float *__restrict__ x, float *__restrict__ mask,
    float *__restrict__ y) {
  TK_LOOP(i, n) {
    float u = (float)(tk_hash((unsigned int)i * 0x9E3779B9U ^ seed) >> 8) * (1.0f / 16777216.0f);
    float k = u < p ? 0.0f : 1.0f / (1.0f - p);
    mask[i] = k;
    y[i] = x[i] * k;
  }
}

// MARK: Optimisers (MXNet's update rules, as NN/Optimizers.swift)

/// v = μ·v − lr·(g + wd·w); w += v.
TABBY_KERNEL tk_sgd(
    int n, float lr, float mu, float wd, float *__restrict__ w, const float *__restrict__ g,
    float *__restrict__ v) {
  TK_LOOP(i, n) {
    float vi = mu * v[i] - lr * (g[i] + wd * w[i]);
    v[i] = vi;
    w[i] += vi;
  }
}

/// Adam with the bias correction folded into lr by the caller.
TABBY_KERNEL tk_adam(
    int n, float lr, float b1, float b2, float eps, float wd, float *__restrict__ w,
    const float *__restrict__ g, float *__restrict__ m, float *__restrict__ v) {
  TK_LOOP(i, n) {
    float gi = g[i] + wd * w[i];
    float mi = b1 * m[i] + (1.0f - b1) * gi;
    float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= lr * mi / (sqrtf(vi) + eps);
  }
}

// MARK: Inference (ModelIO graphs on the device: DeviceInference lowers a planned graph)

/// (saturate(roundHalfEven(v / s) + z) − z)·s, as ModelIO's fake quantization: rintf rounds
/// half to even in the default mode on both builds; the clamp to ±2^22 matches the CPU's.
TK_INLINE float tk_quantize_code(float v, float s, float z, float lo, float hi) {
  float q = v / s;
  q = fminf(fmaxf(q, -4194304.0f), 4194304.0f);
  q = rintf(q) + z;
  return q > lo ? (q < hi ? q : hi) : lo;
}

// Quantization modes of tk_quantize.
#define TK_FAKE_QUANT 0
#define TK_QUANTIZE 1
#define TK_DEQUANTIZE 2

/// y = mode(a + b) per tensor (b may be null): fake quantization (a QDQ pair, a quantized
/// residual sum), quantization to codes (QuantizeLinear) or dequantization of codes.
TABBY_KERNEL tk_quantize(
    int n, int mode, float s, float z, float lo, float hi, const float *a, const float *b,
    float *y) {
  TK_LOOP(i, n) {
    float v = b ? a[i] + b[i] : a[i];
    if (mode == TK_DEQUANTIZE) y[i] = (v - z) * s;
    else if (mode == TK_QUANTIZE) y[i] = tk_quantize_code(v, s, z, lo, hi);
    else y[i] = (tk_quantize_code(v, s, z, lo, hi) - z) * s;
  }
}

/// A convolution's store: y[n, c, i] = q(f(x + bias[c] + residual[n, c, i])), reading x as
/// [C, N, plane] (the gemm's layout) when cnFirst, else [N, C, plane]; bias and residual may
/// be null, act < 0 is none, quant = 0 skips the fake quantization.
TABBY_KERNEL tk_epilogue(
    int total, int images, int channels, int plane, int cnFirst, const float *x,
    const float *bias, const float *residual, int act, float a, float b, int quant, float qs,
    float qz, float qlo, float qhi, float *y) {
  TK_LOOP(j, total) {
    int i = j % plane, t = j / plane;
    int c = t % channels, n = t / channels;
    float v = cnFirst ? x[((long)c * images + n) * plane + i] : x[j];
    if (bias) v += bias[c];
    if (residual) v += residual[j];
    if (act >= 0) v = tk_unary_value(act, a, b, v);
    if (quant) v = (tk_quantize_code(v, qs, qz, qlo, qhi) - qz) * qs;
    y[j] = v;
  }
}

/// A grouped (depthwise included) convolution, one thread per output: the raw sums, NCHW,
/// weight [cout, cin/groups, kh, kw]; tk_epilogue adds the rest.
TABBY_KERNEL tk_conv_grouped(
    int images, int cin, int h, int w, int cout, int groups, int kh, int kw, int sh, int sw,
    int ph, int pw, int dh, int dw, int oh, int ow, const float *__restrict__ x,
    const float *__restrict__ weight, float *__restrict__ y) {
  int cinG = cin / groups, coutG = cout / groups;
  TK_LOOP(j, images * cout * oh * ow) {
    int ox = j % ow, t = j / ow;
    int oy = t % oh;
    t /= oh;
    int co = t % cout, n = t / cout;
    int g = co / coutG;
    float s = 0.0f;
    for (int ci = 0; ci < cinG; ci++) {
      const float *src = x + (((long)n * cin + g * cinG + ci) * h) * w;
      const float *k = weight + ((long)co * cinG + ci) * kh * kw;
      for (int ki = 0; ki < kh; ki++) {
        int iy = oy * sh - ph + ki * dh;
        if (iy < 0 || iy >= h) continue;
        for (int kj = 0; kj < kw; kj++) {
          int ix = ox * sw - pw + kj * dw;
          if (ix >= 0 && ix < w) s += src[iy * w + ix] * k[ki * kw + kj];
        }
      }
    }
    y[j] = s;
  }
}

/// Softmax of each row of x [rows, cols] (one thread per row).
TABBY_KERNEL tk_softmax(int rows, int cols, const float *__restrict__ x, float *__restrict__ y) {
  TK_LOOP(r, rows) {
    const float *z = x + (long)r * cols;
    float *p = y + (long)r * cols;
    float m = TK_NEG_INF, s = 0.0f;
    for (int k = 0; k < cols; k++) m = fmaxf(m, z[k]);
    for (int k = 0; k < cols; k++) {
      p[k] = expf(z[k] - m);
      s += p[k];
    }
    for (int k = 0; k < cols; k++) p[k] /= s;
  }
}

/// y[o, offset + i] = x[o, i] for x [outer, inner] and y [outer, total]: one Concat operand.
TABBY_KERNEL tk_copy_slab(
    int outer, int inner, int total, int offset, const float *__restrict__ x,
    float *__restrict__ y) {
  TK_LOOP(j, outer * inner) {
    int i = j % inner, o = j / inner;
    y[(long)o * total + offset + i] = x[j];
  }
}

/// y = x permuted (rank ≤ 4: output [d0, d1, d2, d3] reads x at the strides s0…s3),
/// dequantized ((v − z)·scale) when dequantize is set: a Transpose, with a quantized model's
/// uint8 input folded in.
TABBY_KERNEL tk_permute(
    int n, int d1, int d2, int d3, int s0, int s1, int s2, int s3, int dequantize, float scale,
    float z, const float *__restrict__ x, float *__restrict__ y) {
  TK_LOOP(j, n) {
    int i3 = j % d3, r = j / d3;
    int i2 = r % d2;
    r /= d2;
    int i1 = r % d1, i0 = r / d1;
    float v = x[(long)i0 * s0 + (long)i1 * s1 + (long)i2 * s2 + (long)i3 * s3];
    y[j] = dequantize ? (v - z) * scale : v;
  }
}
