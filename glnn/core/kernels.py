"""Numba kernels: training and evaluation of a fully connected network.

Imports only numpy, numba, llvmlite and glnn.core.shape (glnn.core.lazy_kernels says when this
module is imported). Parameters live in one flat float32 array (see glnn.core.model for the
layout); activations and deltas of one sample live in flat buffers, layer l starting at a_off[l].
sizes, w_off, b_off and a_off are uint64 arrays. One call runs many iterations: nothing returns
to Python per iteration. NUMBA_DISABLE_JIT=1 runs the same code as plain Python.

Training and evaluation are one body (`_kernel_for`), compiled twice: the evaluation
copy has no backward pass. The same body also compiles specialised to one network (its
depth, input and output counts, activation, loss, bias and batch of one fixed), 10-20%
faster with the same results bit for bit; glnn.core.specialise compiles those out of the
way. Why it is fast (25-16-10 runs at several million iterations a second on one core):
- no array is passed to a function inside the per-sample loop: Numba counts references
  (atomically) for every array argument of every call, even of an inlined function,
  which had cost about 45% of the time; the helpers take and return scalars;
- the kernels are compiled with LLVM's `noalias` on their array arguments (see
  _NoAliasCompiler), so vectorised loops need no run-time overlap tests: callers must
  pass distinct arrays;
- every inner loop runs over a *hidden* layer's neurons, which sit contiguously in
  memory: layer 0 is stored input-major (row i = input i's outgoing weights) and
  deeper layers output-major (row j = neuron j's incoming weights);
- layer 0 is forwarded and updated over a list of the sample's non-zero inputs only
  (blank pixels cost nothing), built without a branch to mispredict, once per call;
- float32 throughout, with branch-free float32 exp and tanh so that their loops vectorise;
- error_model="numpy" (no zero-division branches) and reassociating fast-math (dot
  products vectorise) but without 'nnan'/'ninf', so NaN checks survive;
- indices are unsigned (sizes and offsets arrive as uint64): Numba wraps negative
  signed indices with a branch that would stop LLVM from vectorising;
- LLVM is asked not to interleave vector loops: a 16-wide hidden layer then runs as
  two AVX iterations instead of falling into the scalar remainder loop of a 32-wide one.
"""
from __future__ import annotations

import math

import llvmlite.binding as _llvm
import numpy as np
from numba import config as _numba_config
from numba import njit
from numba.core.compiler import Compiler as _NumbaCompiler

from glnn.core.shape import (ACT_RELU, ACT_SIGMOID, ACT_TANH, ACTIVATION_CODES, LOSS_CODES,  # noqa: F401
                              LOSS_SSE, LOSS_XENT, NetworkShape, spec_for)

_llvm.set_option("glnn", "-force-vector-interleave=1")

_FASTMATH = {"reassoc", "contract", "arcp", "nsz"}
_JIT = dict(cache=True, nogil=True, error_model="numpy", fastmath=_FASTMATH)


class _NoAliasCompiler(_NumbaCompiler):
    """Numba's compiler, telling LLVM that no two array arguments share memory (`noalias`).

    Without it LLVM must assume that, say, the parameters and the activations might overlap,
    and guards every vectorised loop with a run-time overlap test and a scalar fallback: at
    16 neurons a layer those tests cost more than the loops. The kernels below are compiled
    with it, so their callers must pass distinct, non-overlapping arrays (the trainer does).
    """

    def define_pipelines(self):
        self.state.flags.noalias = True
        return super().define_pipelines()


_JIT_NOALIAS = dict(_JIT, pipeline_class=_NoAliasCompiler)

_ONE = np.float32(1.0)
_ZERO = np.float32(0.0)
_TWO = np.float32(2.0)
_DIVERGED = np.float32(1e30)
_LIST_LIMIT = 1 << 20  # inputs of a dataset whose non-zero ones a kernel call lists at its start (12 MB)
_TINY = np.float32(1e-30)  # outputs are clamped to this inside the log of the cross-entropy
# tanh's Taylor coefficients -1/3, 2/15, -17/315, 62/2835 and where that polynomial takes over
_TANH3, _TANH5, _TANH7, _TANH9 = (np.float32(c) for c in (-1 / 3, 2 / 15, -17 / 315, 62 / 2835))
_TANH_NEAR = np.float32(0.25)

if _numba_config.DISABLE_JIT:
    def _pow2(n):
        return np.float32(2.0) ** np.float32(n)
else:
    from llvmlite import ir as _ir
    from numba.core import types as _types
    from numba.extending import intrinsic as _intrinsic

    @_intrinsic
    def _f32_from_bits(typingctx, bits):
        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], _ir.FloatType())
        return _types.float32(_types.int32), codegen

    @njit(**_JIT, inline="always")
    def _pow2(n):
        """2**n for whole n in -126..127, by writing the float's exponent bits."""
        return _f32_from_bits(np.int32((n + 127) << 23))


@njit(**_JIT, inline="always")
def _exp(x):
    """float32 exp, Cephes' expf polynomial (about 1 ulp), branch-free so loops of it vectorise."""
    x = min(max(x, np.float32(-87.0)), np.float32(88.0))
    n = np.floor(x * np.float32(1.44269504088896341) + np.float32(0.5))
    r = x - n * np.float32(0.693359375) + n * np.float32(2.12194440e-4)
    p = np.float32(1.9875691500e-4)
    p = p * r + np.float32(1.3981999507e-3)
    p = p * r + np.float32(8.3334519073e-3)
    p = p * r + np.float32(4.1665795894e-2)
    p = p * r + np.float32(1.6666665459e-1)
    p = p * r + np.float32(5.0000001201e-1)
    return (p * r * r + r + _ONE) * _pow2(np.int32(n))


@njit(**_JIT, inline="always")
def _sigmoid(z):
    return _ONE / (_ONE + _exp(-z))


@njit(**_JIT, inline="always")
def _tanh(z):
    """float32 tanh within about 1e-7 relative of the exact value for every z, branch-free.

    1 - 2/(exp(2z) + 1) cancels its leading digits near zero (15% off at |z| = 1e-4), so
    below |z| = 1/4 the odd Taylor polynomial to z**9 (truncation error < 1e-8 relative)
    takes over. Both are computed and one is selected, so loops of this still vectorise.
    """
    far = _ONE - _TWO / (_exp(_TWO * z) + _ONE)
    z2 = z * z
    near = z + z * z2 * (_TANH3 + z2 * (_TANH5 + z2 * (_TANH7 + z2 * _TANH9)))
    return near if abs(z) < _TANH_NEAR else far


@njit(**_JIT, inline="always")
def _shuffle(order, rng, n):
    """Fisher-Yates shuffle of order[:n] with a 31-bit LCG; returns the generator's new state.

    Seeded by the trainer: reproducible, independent of numpy's global state, and free of
    integer overflow (so NUMBA_DISABLE_JIT=1 gives the same order).
    """
    for k in range(n - 1, 0, -1):
        rng = (rng * 1103515245 + 12345) % 2147483648
        m = (rng >> 8) % (k + 1)
        tmp = order[k]
        order[k] = order[m]
        order[m] = tmp
    return rng


@njit(**_JIT)
def next_sample(order, state, n_samples, shuffle):
    """Index of the next training sample, as the training loop picks it (state = [position, RNG state]);
    reshuffles `order` at each epoch start if asked. Callable from Python: the trainer asks what comes next."""
    pos = state[0]
    if pos == 0 and shuffle:
        state[1] = _shuffle(order, state[1], n_samples)
    state[0] = pos + 1 if pos + 1 < n_samples else 0
    return order[pos]


def _kernel_for(train, spec=None):
    """The training kernel (train=True) or the evaluation one, generic or specialised, from one body.

    `train` and `spec` are closure constants, so that Numba drops every branch they rule out
    before it types and compiles anything: evaluation compiles no backward pass. With spec =
    None the kernel reads every size and option from its arguments; with spec = (number of
    weight layers, inputs, outputs, activation, loss, bias, batch == 1) those are fixed when it
    compiles (hidden layer sizes stay arguments: fixing small ones makes LLVM unroll the short
    loops and leave them scalar), and it refuses arguments that disagree with them.

    The body is one function on purpose: Numba increments and decrements a reference count
    for every array passed to a function, even an inlined one, which had cost about 45% of
    the time. So no array is passed to a helper inside the loop; the helpers take scalars.
    """
    generic = spec is None
    spec_layers, spec_inputs, spec_outputs, spec_act, spec_loss, spec_bias, spec_fused = (
        spec or (1, 1, 1, ACT_SIGMOID, LOSS_SSE, False, True))
    spec_inputs, spec_outputs = np.uint64(spec_inputs), np.uint64(spec_outputs)

    @njit(**_JIT_NOALIAS)
    def kernel(params, grad, sizes, w_off, b_off, has_bias, act, loss_kind, x, labels, order, state,
               n_iter, lr, l1, l2, batch, shuffle, on_value, acts, deltas, a_off, losses, outputs=None):
        """Run up to n_iter SGD iterations (one weight update each) in place.

        With l1 or l2 > 0 each iteration's update is followed by regularisation of every weight
        (not the biases), as TensorFlow Playground does: w *= 1 - lr*l2 (weight decay), then
        w moves lr*l1 towards zero and stops there (an L1 step that would cross zero gives
        exactly zero, which is how L1 makes weights vanish). With both 0 it costs one test per
        iteration.

        Each iteration visits `batch` samples in the order of `order`, from position state[0]
        (reshuffled at each epoch start if `shuffle`, from the generator state state[1]).
        losses[k] receives iteration k's loss (the mean over its batch). Returns the number
        of iterations completed: fewer than n_iter only if the loss stopped being finite,
        in which case params may hold non-finite values and the caller must restore them.

        (Evaluation: see evaluate.)
        """
        if generic:
            n_layers = sizes.shape[0] - 1
            n_in0 = sizes[0]
            n_out = sizes[n_layers]
        else:
            n_layers = spec_layers
            n_in0 = spec_inputs
            n_out = spec_outputs
            # (the output count is checked on a_off: a check on sizes would tell LLVM the count that n_sum
            # below must hide from it)
            if (sizes.shape[0] - 1 != n_layers or sizes[0] != n_in0 or a_off[n_layers + 1] - a_off[n_layers] != n_out
                    or act != spec_act or loss_kind != spec_loss or has_bias != spec_bias
                    or (batch == 1) != spec_fused):
                raise ValueError("a specialised kernel called for another network")
            act = spec_act
            loss_kind = spec_loss
            has_bias = spec_bias
        # the loops that add up over the outputs run to a count read at run time even when it is fixed:
        # LLVM then groups their terms as in the generic kernel, and both give the same bits
        n_sum = sizes[n_layers]
        n_samples = x.shape[0]
        last = n_layers - 1
        o0 = a_off[n_layers]
        softmax = loss_kind == LOSS_XENT and n_out > np.uint64(1)
        # Layer 0 runs over a sample's non-zero inputs only (blank pixels cost nothing), listed
        # without a branch that would be mispredicted: row r of nz_inputs and nz_values holds n_nz[r]
        # input indices and values. A call that visits every sample lists them all first (at 25-16-10
        # listing them per visit was a seventh of the time); otherwise, or for a dataset too big to
        # list, each sample is listed as it comes, in row 0.
        listed = n_iter * batch >= n_samples and x.size <= _LIST_LIMIT
        n_lists = n_samples if listed else 1
        n_nz = np.empty(n_lists, np.int64)
        nz_inputs = np.empty((n_lists, n_in0), np.uint64)
        nz_values = np.empty((n_lists, n_in0), np.float32)
        for r in range(n_samples if listed else 0):
            nz = 0
            for i in range(n_in0):
                xi = x[r, i]
                nz_inputs[r, nz] = i
                nz_values[r, nz] = xi
                nz += np.int64(xi != _ZERO)
            n_nz[r] = nz
        # batch 1 fuses the SGD update into the backward pass (each weight row is read for the
        # deltas, then updated); larger batches add up the gradient in grad and update at the end
        fused = batch == 1 if generic else spec_fused
        target = params if fused else grad  # for the loops that write parameters without reading them
        scale = -lr if fused else _ONE
        # regularisation, applied as one formula (a plain copy of w when both rates are 0)
        regularised = train and (l1 > _ZERO or l2 > _ZERO)
        keep = max(_ONE - lr * l2, _ZERO)
        cut = lr * l1
        pos = state[0]
        rng = state[1]
        for k in range(n_iter):
            total = _ZERO
            for _ in range(batch):
                # -- the sample: its inputs, and which output should be on ----------------------------
                if train:
                    if pos == 0 and shuffle:
                        rng = _shuffle(order, rng, n_samples)
                    idx = np.uint64(order[pos])
                    pos += 1
                    if pos == n_samples:
                        pos = 0
                else:
                    idx = np.uint64(k)
                label = labels[idx]
                if n_out == np.uint64(1):  # one output: on for label 1
                    hot = np.uint64(0)
                    t_hot = on_value if label == 1 else _ZERO
                else:
                    hot = np.uint64(label)
                    t_hot = on_value
                if listed:
                    r = idx
                    nz = n_nz[r]
                else:
                    r = np.uint64(0)
                    nz = 0
                    for i in range(n_in0):
                        xi = x[idx, i]
                        nz_inputs[r, nz] = i
                        nz_values[r, nz] = xi
                        nz += np.int64(xi != _ZERO)
                if not train:  # the input layer's activations, for whoever reads them
                    for i in range(n_in0):
                        acts[i] = x[idx, i]
                # -- forward -------------------------------------------------------------------------
                for l in range(n_layers):
                    n_in = n_in0 if l == 0 else sizes[l]
                    n_out_l = n_out if l == last else sizes[l + 1]
                    a0 = a_off[l]
                    z0 = a_off[l + 1]
                    w0 = w_off[l]
                    b0 = b_off[l]
                    if l == 0:  # input-major rows: z += a_i * row_i over the non-zero inputs, four rows at a time
                        for j in range(n_out_l):
                            acts[z0 + j] = params[b0 + j] if has_bias else _ZERO
                        kk = 0
                        while kk + 4 <= nz:  # one load and store of z per four weight rows
                            i0, i1 = nz_inputs[r, kk], nz_inputs[r, kk + 1]
                            i2, i3 = nz_inputs[r, kk + 2], nz_inputs[r, kk + 3]
                            c0, c1 = nz_values[r, kk], nz_values[r, kk + 1]
                            c2, c3 = nz_values[r, kk + 2], nz_values[r, kk + 3]
                            r0, r1, r2, r3 = w0 + i0 * n_out_l, w0 + i1 * n_out_l, w0 + i2 * n_out_l, w0 + i3 * n_out_l
                            for j in range(n_out_l):
                                acts[z0 + j] += (c0 * params[r0 + j] + c1 * params[r1 + j]) + (
                                    c2 * params[r2 + j] + c3 * params[r3 + j])
                            kk += 4
                        while kk < nz:
                            ai = nz_values[r, kk]
                            row = w0 + nz_inputs[r, kk] * n_out_l
                            for j in range(n_out_l):
                                acts[z0 + j] += ai * params[row + j]
                            kk += 1
                    else:  # output-major rows: z_j = row_j . a, two rows per pass over a
                        j = np.uint64(0)
                        while j + np.uint64(2) <= n_out_l:
                            r0 = w0 + j * n_in
                            r1 = r0 + n_in
                            s0 = _ZERO
                            s1 = _ZERO
                            for i in range(n_in):
                                ai = acts[a0 + i]
                                s0 += params[r0 + i] * ai
                                s1 += params[r1 + i] * ai
                            acts[z0 + j] = s0 + (params[b0 + j] if has_bias else _ZERO)
                            acts[z0 + j + np.uint64(1)] = s1 + (params[b0 + j + np.uint64(1)] if has_bias else _ZERO)
                            j += np.uint64(2)
                        if j < n_out_l:
                            row = w0 + j * n_in
                            s = params[b0 + j] if has_bias else _ZERO
                            for i in range(n_in):
                                s += params[row + i] * acts[a0 + i]
                            acts[z0 + j] = s
                    if l < last:
                        if act == ACT_SIGMOID:
                            for j in range(n_out_l):
                                acts[z0 + j] = _sigmoid(acts[z0 + j])
                        elif act == ACT_TANH:
                            for j in range(n_out_l):
                                acts[z0 + j] = _tanh(acts[z0 + j])
                        else:
                            for j in range(n_out_l):
                                acts[z0 + j] = max(acts[z0 + j], _ZERO)
                # -- the outputs, the loss and dLoss/dz of the outputs ---------------------------------
                if softmax:  # with cross-entropy: only the target output's term of the loss is not zero
                    m = acts[o0]
                    for j in range(n_out):
                        m = max(m, acts[o0 + j])
                    s = _ZERO
                    for j in range(n_sum):
                        acts[o0 + j] = _exp(acts[o0 + j] - m)
                        s += acts[o0 + j]
                    for j in range(n_out):
                        acts[o0 + j] /= s
                    # the output is clamped only inside the log, so that a saturated one gives a large, finite loss
                    loss = -t_hot * np.log(max(acts[o0 + hot], _TINY))
                    for j in range(n_out):
                        deltas[o0 + j] = acts[o0 + j] - (t_hot if j == hot else _ZERO)
                elif loss_kind == LOSS_SSE:  # sigmoid outputs, squared error
                    loss = _ZERO
                    for j in range(n_sum):
                        y = _sigmoid(acts[o0 + j])
                        acts[o0 + j] = y
                        e = y - (t_hot if j == hot else _ZERO)
                        loss += e * e
                        deltas[o0 + j] = _TWO * e * y * (_ONE - y)
                else:  # one sigmoid output, binary cross-entropy (a loop of one, added up like the others)
                    loss = _ZERO
                    for j in range(n_sum):
                        y = _sigmoid(acts[o0 + j])
                        acts[o0 + j] = y
                        loss -= t_hot * np.log(max(y, _TINY)) + (_ONE - t_hot) * np.log(max(_ONE - y, _TINY))
                        deltas[o0 + j] = y - t_hot
                if not train:
                    losses[k] = loss
                    for j in range(n_out):
                        outputs[k, j] = acts[o0 + j]
                    continue
                total += loss
                # -- backward, adding scale * gradient into the parameters (or grad) ------------------
                if has_bias:
                    b0 = b_off[last]
                    for j in range(n_out):
                        target[b0 + j] += scale * deltas[o0 + j]
                for l in range(last, 0, -1):  # deltas of layer l's inputs, a hidden layer; layer l's weights
                    n_in = sizes[l]
                    n_out_l = n_out if l == last else sizes[l + 1]
                    a0 = a_off[l]
                    d0 = a_off[l + 1]
                    w0 = w_off[l]
                    j = np.uint64(0)
                    while j + np.uint64(2) <= n_out_l:  # two rows per pass over the layer below
                        dj0 = deltas[d0 + j]
                        dj1 = deltas[d0 + j + np.uint64(1)]
                        c0 = scale * dj0
                        c1 = scale * dj1
                        r0 = w0 + j * n_in
                        r1 = r0 + n_in
                        # each weight is read for the deltas, then updated. Written twice so that LLVM sees
                        # which array is updated: were it `target`, LLVM could not rule out a partial overlap
                        # with params and would run this loop unvectorised when they are the same array
                        if fused:
                            for i in range(n_in):
                                ai = acts[a0 + i]
                                deltas[a0 + i] = (deltas[a0 + i] if j > 0 else _ZERO) + (
                                    params[r0 + i] * dj0 + params[r1 + i] * dj1)
                                params[r0 + i] += c0 * ai
                                params[r1 + i] += c1 * ai
                        else:
                            for i in range(n_in):
                                ai = acts[a0 + i]
                                deltas[a0 + i] = (deltas[a0 + i] if j > 0 else _ZERO) + (
                                    params[r0 + i] * dj0 + params[r1 + i] * dj1)
                                grad[r0 + i] += c0 * ai
                                grad[r1 + i] += c1 * ai
                        j += np.uint64(2)
                    if j < n_out_l:
                        dj = deltas[d0 + j]
                        c = scale * dj
                        row = w0 + j * n_in
                        if fused:
                            for i in range(n_in):
                                deltas[a0 + i] = (deltas[a0 + i] if j > 0 else _ZERO) + params[row + i] * dj
                                params[row + i] += c * acts[a0 + i]
                        else:
                            for i in range(n_in):
                                deltas[a0 + i] = (deltas[a0 + i] if j > 0 else _ZERO) + params[row + i] * dj
                                grad[row + i] += c * acts[a0 + i]
                    if act == ACT_SIGMOID:
                        for i in range(n_in):
                            deltas[a0 + i] *= acts[a0 + i] * (_ONE - acts[a0 + i])
                    elif act == ACT_TANH:
                        for i in range(n_in):
                            deltas[a0 + i] *= _ONE - acts[a0 + i] * acts[a0 + i]
                    else:
                        for i in range(n_in):
                            if acts[a0 + i] <= _ZERO:
                                deltas[a0 + i] = _ZERO
                    if has_bias:  # the biases of the layer below
                        b0 = b_off[l - 1]
                        for i in range(n_in):
                            target[b0 + i] += scale * deltas[a0 + i]
                # layer 0, stored input-major: only the rows of the non-zero inputs change
                n_out_l = n_out if last == 0 else sizes[1]
                d0 = a_off[1]
                w0 = w_off[0]
                for kk in range(nz):
                    c = scale * nz_values[r, kk]
                    row = w0 + nz_inputs[r, kk] * n_out_l
                    for j in range(n_out_l):
                        target[row + j] += c * deltas[d0 + j]
            if not train:
                continue
            if not fused:
                step = -lr / np.float32(batch)
                for p in range(params.shape[0]):
                    params[p] += step * grad[p]
                    grad[p] = _ZERO
            if regularised:
                for l in range(n_layers):
                    w0 = w_off[l]
                    n_w = (n_in0 if l == 0 else sizes[l]) * (n_out if l == last else sizes[l + 1])
                    for p in range(w0, w0 + n_w):
                        w = params[p] * keep
                        params[p] = math.copysign(max(abs(w) - cut, _ZERO), w)
            loss = total / np.float32(batch)
            losses[k] = loss
            if not (loss < _DIVERGED):  # also true for NaN
                state[0] = pos
                state[1] = rng
                return k
        state[0] = pos
        state[1] = rng
        return n_iter

    return kernel


train_steps = _kernel_for(True)
_evaluate_rows = _kernel_for(False)


def specialised_train_steps(spec: tuple):
    """A training kernel specialised to `spec` (from spec_for), with train_steps' arguments and results.
    A new dispatcher, compiled or loaded from Numba's cache when first called: glnn.core.specialise
    does that out of the way."""
    return _kernel_for(True, tuple(spec))


def train_signature() -> tuple:
    """The argument types the trainer calls train_steps with, which a specialised kernel is compiled for."""
    from numba import typeof, types
    f32, u64 = np.zeros(1, np.float32), np.zeros(1, np.uint64)
    args = (f32, f32, u64, u64, u64, True, ACT_SIGMOID, LOSS_SSE, np.zeros((1, 1), np.float32),
            np.zeros(1, np.int32), np.zeros(1, np.int32), np.zeros(2, np.int64), 0, _ONE, _ZERO, _ZERO, 1, False, _ONE,
            f32, f32, u64, f32)
    return tuple(typeof(a) for a in args) + (types.Omitted(None),)
_NO_GRAD = np.empty(0, np.float32)
_NO_ORDER = np.empty(0, np.int32)


def evaluate(params, sizes, w_off, b_off, has_bias, act, loss_kind, x, labels, on_value, acts, deltas, a_off,
             outputs, losses):
    """Forward every row of x: outputs[r] gets the output activations, losses[r] the loss, and
    acts every layer's activations for the last row."""
    _evaluate_rows(params, _NO_GRAD, sizes, w_off, b_off, has_bias, act, loss_kind, x, labels, _NO_ORDER,
                   np.zeros(2, np.int64), x.shape[0], _ZERO, _ZERO, _ZERO, 1, False, on_value, acts, deltas, a_off,
                   losses, outputs)


def forward(params, sizes, w_off, b_off, has_bias, act, loss_kind, x, acts, a_off):
    """Forward one input; acts receives every layer's activations (the view shows them all)."""
    x = np.ascontiguousarray(x, np.float32).reshape(1, -1)
    evaluate(params, sizes, w_off, b_off, has_bias, act, loss_kind, x, np.zeros(1, np.int32), _ONE, acts,
             np.empty_like(acts), a_off, np.empty((1, int(sizes[-1])), np.float32), np.empty(1, np.float32))


@njit(**_JIT_NOALIAS)
def forward_all(params, sizes, w_off, b_off, has_bias, act, loss_kind, x, out):
    """Forward every row of x, layer by layer; out[n, r] receives neuron n's activation (every
    layer, the inputs first, as in a flat activation buffer) for row r.

    Neuron-major, so that one neuron's values over many inputs (a grid over the input plane)
    are contiguous: the innermost loops run over the rows and vectorise, which makes this
    several times faster per row than forwarding the rows one by one, and each neuron's
    values are one image ready to upload.
    """
    n_rows = x.shape[0]
    n_layers = sizes.shape[0] - 1
    for i in range(sizes[0]):
        for r in range(n_rows):
            out[i, r] = x[r, i]
    a0 = np.uint64(0)
    for l in range(n_layers):
        n_in = sizes[l]
        n_out = sizes[l + 1]
        z0 = a0 + n_in
        w0 = w_off[l]
        b0 = b_off[l]
        for j in range(n_out):
            zj = z0 + j
            bias = params[b0 + j] if has_bias else _ZERO
            for r in range(n_rows):
                out[zj, r] = bias
            for i in range(n_in):
                # layer 0 is stored input-major, deeper layers output-major (see glnn.core.model)
                w = params[w0 + i * n_out + j] if l == 0 else params[w0 + j * n_in + i]
                ai = a0 + i
                for r in range(n_rows):
                    out[zj, r] += w * out[ai, r]
            if l < n_layers - 1:
                if act == ACT_SIGMOID:
                    for r in range(n_rows):
                        out[zj, r] = _sigmoid(out[zj, r])
                elif act == ACT_TANH:
                    for r in range(n_rows):
                        out[zj, r] = _tanh(out[zj, r])
                else:
                    for r in range(n_rows):
                        out[zj, r] = max(out[zj, r], _ZERO)
            elif not (loss_kind == LOSS_XENT and n_out > 1):
                for r in range(n_rows):
                    out[zj, r] = _sigmoid(out[zj, r])
        if l == n_layers - 1 and loss_kind == LOSS_XENT and n_out > 1:  # softmax across the outputs
            for r in range(n_rows):
                m = out[z0, r]
                for j in range(n_out):
                    m = max(m, out[z0 + j, r])
                s = _ZERO
                for j in range(n_out):
                    e = _exp(out[z0 + j, r] - m)
                    out[z0 + j, r] = e
                    s += e
                for j in range(n_out):
                    out[z0 + j, r] /= s
        a0 = z0


def warm_up() -> None:
    """Load every kernel the trainer calls from Numba's disk cache (compiling the ones not there), by
    calling each once on a one-weight network with the argument types the trainer passes: a call
    with other types would load or compile another entry at that moment."""
    f32 = np.zeros(2, np.float32)
    shape = NetworkShape(np.ones(2, np.uint64), np.zeros(1, np.uint64), np.ones(1, np.uint64),
                         np.arange(3, dtype=np.uint64), True, ACT_SIGMOID, LOSS_SSE)
    x, labels, order = np.zeros((1, 1), np.float32), np.zeros(1, np.int32), np.zeros(1, np.int32)
    train_steps(f32.copy(), f32.copy(), *shape.args(f32)[1:], x, labels, order, np.zeros(2, np.int64), 0, _ONE,
                _ZERO, _ZERO, 1, False, _ONE, f32.copy(), f32.copy(), shape.a_off, f32.copy())
    evaluate(*shape.args(f32), x, labels, _ONE, f32.copy(), f32.copy(), shape.a_off, np.zeros((1, 1), np.float32),
             np.zeros(1, np.float32))
    forward_all(*shape.args(f32), x, np.zeros((2, 1), np.float32))
    next_sample(order, np.zeros(2, np.int64), 1, False)
