"""The step-through animation: its state machine (fake clock), its numbers (against the NumPy
reference), its one SGD step (against the trainer and the reference), and its pulses on screen."""
from __future__ import annotations

import numpy as np
import pytest
import reference
from glnn import commands
from glnn_testutil import layers_of

from glnn.controller import Controller
from glnn.core import step as sa
from glnn.core.model import Architecture, Network
from glnn.core.trainer import Trainer
from glnn.state import AppState

L = 2  # weight layers of the networks below
FORWARD, COMPARE, BACKWARD, UPDATE = sa.FORWARD_SECONDS, sa.COMPARE_SECONDS, sa.BACKWARD_SECONDS, sa.UPDATE_SECONDS
EXPECTED = [("forward", 0, 0.0), ("forward", 1, FORWARD), ("compare", -1, 2 * FORWARD),
            ("backward", 1, 2 * FORWARD + COMPARE), ("backward", 0, 2 * FORWARD + COMPARE + BACKWARD),
            ("update", -1, 2 * FORWARD + COMPARE + 2 * BACKWARD),
            ("done", -1, 2 * FORWARD + COMPARE + 2 * BACKWARD + UPDATE)]


def tiny_sample():
    rng = np.random.default_rng(0)
    weights = [rng.normal(0, 1, (3, 4)), rng.normal(0, 1, (4, 2))]
    biases = [rng.normal(0, 0.5, 4), rng.normal(0, 0.5, 2)]
    return sa.sample_pass(weights, biases, np.array([1.0, 0.0, 1.0]), 1, "sigmoid", "sse", 0.99, index=0)


class Recorder:
    """A stand-in for the trainer's step: counts its calls and returns fixed new weights."""

    def __init__(self, new_params):
        self.calls = 0
        self.new_params = new_params

    def __call__(self):
        self.calls += 1
        return self.new_params, 0.125


def make_animation(mode="step", speed=1.0, now=100.0):
    old = np.zeros(8, np.float32)
    step = Recorder(np.arange(8, dtype=np.float32) - 4)  # some weights change sign
    return sa.StepAnimation(tiny_sample(), old, step, now, mode=mode, speed=speed, learning_rate=0.5), step


def transitions(anim, clock_start, dt, until):
    """(phase, layer, time since start) each time the phase or layer changes, sampling every dt."""
    seen = []
    t = clock_start
    while t <= clock_start + until:
        anim.advance(t)
        v = anim.view()
        if not seen or seen[-1][:2] != (v.phase, v.layer):
            seen.append((v.phase, v.layer, t - clock_start))
        t += dt
    return seen


# -- the state machine ---------------------------------------------------------------------------
@pytest.mark.parametrize("speed", [1.0, 2.0, 0.5])
def test_phases_in_order_with_their_durations_scaled_by_speed(speed):
    anim, step = make_animation(speed=speed, now=100.0)
    dt = 0.01
    seen = transitions(anim, 100.0, dt, 8.0 / speed)
    assert [s[:2] for s in seen] == [e[:2] for e in EXPECTED]
    for (_, _, at), (_, _, nominal) in zip(seen, EXPECTED):
        assert at == pytest.approx(nominal / speed, abs=dt * 1.01)
    assert step.calls == 1


def test_speed_changed_midway_scales_only_what_is_left():
    anim, _ = make_animation(now=0.0)
    anim.advance(1.0)  # 1 s of the first forward layer at speed 1
    anim.set_speed(4.0)
    anim.advance(1.05)  # 0.05 s at speed 4 = 0.2 s: past the first layer's 1.1 s
    v = anim.view()
    assert (v.phase, v.layer) == ("forward", 1)
    assert v.t == pytest.approx(0.1 / FORWARD)


def test_exactly_one_step_even_when_the_clock_jumps_past_the_end():
    anim, step = make_animation(now=0.0)
    anim.advance(2 * FORWARD + COMPARE + 2 * BACKWARD - 0.01)
    assert step.calls == 0 and anim.view().phase == "backward"
    assert np.array_equal(anim.view().params, np.zeros(8))  # the old weights until the update
    anim.advance(1000.0)
    anim.advance(2000.0)
    assert step.calls == 1 and anim.done
    assert np.array_equal(anim.view().params, step.new_params)
    assert anim.view().loss_after == 0.125


def test_update_blends_old_to_new_weights_and_flashes():
    anim, step = make_animation(now=0.0)
    start = 2 * FORWARD + COMPARE + 2 * BACKWARD
    anim.advance(start + UPDATE / 2)
    v = anim.view()
    assert v.phase == "update" and v.t == pytest.approx(0.5)
    assert np.allclose(v.params, 0.5 * step.new_params)  # smoothstep(0.5) = 0.5 of the way
    assert v.change > 0.9 and v.change_scale > 0
    anim.advance(start + UPDATE * 0.99)
    assert anim.view().change < 0.1  # the flash fades as the weights settle


def test_forward_mode_waits_after_compare_until_backprop():
    anim, step = make_animation(mode="forward", now=0.0)
    anim.advance(50.0)
    v = anim.view()
    assert v.phase == "compare" and v.waiting and v.t == pytest.approx(1.0)
    assert step.calls == 0 and not anim.done
    anim.resume(60.0)
    anim.advance(60.0 + BACKWARD / 2)
    v = anim.view()
    assert (v.phase, v.layer, v.waiting) == ("backward", 1, False)
    anim.advance(100.0)
    assert anim.done and step.calls == 1


def test_backprop_mode_starts_at_the_backward_pass():
    anim, step = make_animation(mode="backprop", now=0.0)
    anim.advance(0.0)
    v = anim.view()
    assert (v.phase, v.layer) == ("backward", 1)
    assert v.lit.tolist() == [1.0, 1.0, 1.0]


def test_neurons_light_up_layer_by_layer_and_deltas_come_back():
    anim, _ = make_animation(now=0.0)
    sample = anim.sample
    sizes = [3, 4, 2]
    starts = np.cumsum([0] + sizes)

    def layer(a, l):
        return a[starts[l]:starts[l + 1]]

    anim.advance(FORWARD * 0.3)  # pulses on their way to the hidden layer
    v = anim.view()
    assert np.allclose(layer(v.activations, 0), sample.layers[0])
    assert not layer(v.activations, 1).any() and not layer(v.activations, 2).any()
    assert 0 < v.pulse_position < 1 and not v.deltas.any()
    anim.advance(FORWARD * 1.5)  # the hidden layer lit, pulses on to the outputs
    v = anim.view()
    assert np.allclose(layer(v.activations, 1), sample.layers[1], atol=1e-6)
    assert not layer(v.activations, 2).any()
    anim.advance(2 * FORWARD + COMPARE + BACKWARD * 0.3)  # the error leaves the outputs
    v = anim.view()
    assert v.backward and v.layer == 1
    assert np.allclose(layer(v.deltas, 2), sample.deltas[2], atol=1e-6)
    assert not layer(v.deltas, 1).any()
    anim.advance(2 * FORWARD + COMPARE + BACKWARD * 0.95)  # ...and has reached the hidden layer
    v = anim.view()
    assert np.allclose(layer(v.deltas, 1), sample.deltas[1], atol=1e-6)


# -- the numbers against the reference -------------------------------------------------------------
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss,n_out", [("sse", 3), ("xent", 3), ("xent", 1), ("sse", 1)])
@pytest.mark.parametrize("bias", [True, False])
def test_deltas_and_loss_match_the_reference_backprop(activation, loss, n_out, bias):
    arch = Architecture((4, 5, 3, n_out), activation, loss, bias)
    net = Network(arch, seed=7)
    if bias:
        net.params[net.b_off[0]:net.b_off[0] + 5] = np.linspace(-0.5, 0.5, 5)
    ws, bs = layers_of(net, np.float64)
    x = np.array([0.9, 0.0, 0.3, 1.0])
    label = 1 if n_out == 1 else 2
    on = reference.default_on_value(loss)
    sample = sa.sample_pass(ws, bs, x, label, activation, loss, on)
    value, gw, gb = reference.gradients(ws, bs, x, label, activation, loss, on)
    assert sample.loss == pytest.approx(value, rel=1e-12)
    for l in range(arch.n_layers):  # dLoss/db of layer l is the delta of the neurons it feeds
        assert np.allclose(sample.deltas[l + 1], gb[l], rtol=1e-10, atol=1e-14)
        assert np.allclose(np.outer(sample.layers[l], sample.deltas[l + 1]), gw[l], rtol=1e-10, atol=1e-14)
    assert not sample.deltas[0].any()
    assert np.allclose(sample.layers[-1], reference.forward(ws, bs, x, activation, loss)[-1])


# -- the one step, through the controller and the trainer -------------------------------------------
def controller(**settings):
    c = Controller(Trainer({"seed": 3, **settings}), AppState(), threaded=False)
    clock = [0.0]
    c.clock = lambda: clock[0]
    return c, clock


def run_to_end(c, clock, dt=0.05):
    phases = []
    while c.animation is not None and not c.animation.done and not c.animation.waiting:
        clock[0] += dt
        c.advance()
        f = c.frame()
        assert not f.non_finite()
        if not phases or phases[-1] != f.animation.phase:
            phases.append(f.animation.phase)
    return phases


@pytest.mark.parametrize("settings", [{}, {"dataset": "xor3", "hidden": (4,)}, {"shuffle": True, "hidden": (8, 6)}])
def test_animated_step_is_the_next_step(settings):
    """The animated sample is the one Step would train next, and the animation ends with that one
    SGD iteration applied: the weights equal a twin trainer's after steps(1)."""
    c, clock = controller(**settings)
    twin = Trainer({"seed": 3, **settings})
    for t in (c.trainer, twin):
        t.steps(37)  # mid-epoch (and across a reshuffle when shuffling)
    c.apply(commands.Animate("step"))
    sample = c.animation.sample.index
    before = c.trainer.net.params.copy()
    assert run_to_end(c, clock) == ["forward", "compare", "backward", "update", "done"]
    twin.steps(1)
    assert twin.last_sample == sample == c.trainer.last_sample
    assert c.trainer.iterations == twin.iterations == 38
    assert np.array_equal(c.trainer.net.params, twin.net.params)
    assert not np.array_equal(before, twin.net.params)
    f = c.frame()
    assert f.animation.phase == "done" and np.array_equal(f.params, twin.net.params)
    # and the training order went on as after Step
    c.apply(commands.Step())
    twin.steps(1)
    assert np.array_equal(c.trainer.net.params, twin.net.params)


def test_clicked_image_is_the_one_animated_and_trained_once():
    c, clock = controller()
    c.trainer.steps(5)
    next_before = c.trainer.next_sample()
    clicked = (next_before + 3) % 10
    ws, bs = layers_of(c.trainer.net)
    c.apply(commands.ShowSample(clicked))
    c.apply(commands.Animate("forward"))
    assert c.animation.sample.index == clicked
    run_to_end(c, clock)
    assert c.animation.waiting and c.trainer.iterations == 5  # Forward stops at the comparison
    c.apply(commands.Animate("backprop"))
    run_to_end(c, clock)
    ds = c.trainer.dataset
    ref_w, ref_b, _ = reference.sgd(ws, bs, ds.x_train[[clicked]], ds.y_train[[clicked]], activation="sigmoid",
                                    loss="sse", lr=0.5, n_iter=1)
    got_w, got_b = layers_of(c.trainer.net)
    for a, b in zip(got_w + got_b, ref_w + ref_b):
        assert np.allclose(a, b, atol=1e-6)
    assert c.trainer.iterations == 6 and c.trainer.last_sample == clicked
    assert c.trainer.next_sample() == next_before  # a side trip: the training order did not move
    assert c.frame().picked_index == clicked


def test_frames_during_the_animation_show_its_sample_and_hide_unreached_layers():
    c, clock = controller()
    c.trainer.steps(4)
    c.apply(commands.Animate("step"))
    clock[0] += FORWARD * 0.5
    c.advance()
    f = c.frame()
    index = c.animation.sample.index
    assert f.input_index == index
    assert np.allclose(f.activations[:25], c.trainer.dataset.x_train[index])
    assert not f.activations[25:].any()  # hidden and outputs not reached yet
    assert 0 < f.animation.pulse_position < 1


def test_other_commands_end_the_animation_without_its_step():
    c, clock = controller()
    c.apply(commands.Animate("step"))
    clock[0] += 1.0
    c.advance()
    c.apply(commands.Set("animation_speed", 2.0))  # a view setting keeps it going
    c.advance()
    assert c.animation is not None and c.animation.speed == 2.0
    c.apply(commands.Step())
    assert c.animation is None and c.trainer.iterations == 1
    clock[0] += 100.0
    c.advance()
    assert c.trainer.iterations == 1 and c.frame().animation is None


def test_animation_speed_setting_drives_the_pace():
    slow, clock_slow = controller()
    fast, clock_fast = controller()
    fast.apply(commands.Set("animation_speed", 4.0))
    for c, clock in ((slow, clock_slow), (fast, clock_fast)):
        c.apply(commands.Animate("step"))
        clock[0] += 1.0
        c.advance()
    assert slow.frame().animation.phase == "forward"
    assert fast.frame().animation.phase == "backward"  # 4 s in: past 2 forward layers and compare


# -- on screen -------------------------------------------------------------------------------------
W, H = 400, 300


def render(scene, layout, params, acts, deltas=None, view=None):
    from conftest import read_pixels

    from glnn.view import step_style
    from glnn.view.scene import Style
    scene.set_layout(layout)
    scene.update(np.asarray(params, np.float32), np.asarray(acts, np.float32), deltas)
    scene.draw((W, H), (W, H), step_style.styled(Style(glow=False), view, layout))
    return read_pixels(W, H)[..., :3].astype(int)


def segment_pixels(img, layout, link, lo, hi, n=60):
    """Pixels along a connection's visible segment (disc edge to disc edge) between fractions lo and hi."""
    a = layout.nodes[layout.links[link, 0]]
    b = layout.nodes[layout.links[link, 1]]
    d = (b[:2] - a[:2]) / np.linalg.norm(b[:2] - a[:2])
    p0, p1 = a[:2] + d * a[2], b[:2] - d * b[2]
    ts = np.linspace(lo, hi, n)
    pts = np.round(p0 + (p1 - p0) * ts[:, None]).astype(int)
    return img[pts[:, 1], pts[:, 0]]


def gl_setup():
    """A 2-2-2 network with a mix of weights, its layout and an animation view factory."""
    from glnn.view import layout as layout_mod
    from glnn.view.layout import Area
    arch = Architecture((2, 2, 2))
    net = Network(arch, np.zeros(arch.offsets()[2], np.float32))
    net.weights(0)[...] = [[1.2, -1.0], [0.8, -1.4]]
    net.weights(1)[...] = [[1.0, -0.9], [1.3, -0.8]]
    lay = layout_mod.compute(arch.sizes, net.w_off, Area(20, 20, W - 40, H - 40))
    ws, bs = layers_of(net, np.float64)
    sample = sa.sample_pass(ws, bs, np.array([1.0, 1.0]), 0, "sigmoid", "sse", 0.99, index=0)
    scales = sa.pulse_scales(ws, sample)
    return net, lay, sample, scales


def view_at(net, sample, scales, seconds):
    anim = sa.StepAnimation(sample, net.params, lambda: (net.params, sample.loss), 0.0, learning_rate=0.5,
                            scales=scales)
    anim.advance(seconds)
    return anim.view()


@pytest.mark.gl
def test_forward_pulses_mid_way_brighten_the_line_there(gl_context, scene):
    net, lay, sample, scales = gl_setup()
    view = view_at(net, sample, scales, FORWARD * sa.TRAVEL * 0.5)  # the pulses half-way along layer 0
    assert view.phase == "forward" and view.pulse_position == pytest.approx(0.5)
    calm = render(scene, lay, view.params, view.activations)
    pulsed = render(scene, lay, view.params, view.activations, view.deltas, view)
    for link in range(4):  # every connection of layer 0 carries a pulse (jittered by a few per cent)
        near = segment_pixels(pulsed, lay, link, 0.38, 0.62).sum(axis=1).max()
        near_calm = segment_pixels(calm, lay, link, 0.38, 0.62).sum(axis=1).max()
        assert near > near_calm + 150, (link, near, near_calm)
        # gold: the pulse adds more green than blue
        gain = segment_pixels(pulsed, lay, link, 0.38, 0.62).max(axis=0) - segment_pixels(
            calm, lay, link, 0.38, 0.62).max(axis=0)
        assert gain[1] > gain[2] + 20, gain
        # ahead of the pulse the line is as it was
        ahead = np.abs(segment_pixels(pulsed, lay, link, 0.8, 0.97) - segment_pixels(calm, lay, link, 0.8, 0.97))
        assert ahead.max() <= 3, ahead.max()
    # the layer not carrying pulses is unchanged
    for link in range(4, 8):
        assert np.abs(segment_pixels(pulsed, lay, link, 0.05, 0.95) - segment_pixels(calm, lay, link, 0.05, 0.95)).max() <= 3


@pytest.mark.gl
def test_backward_pulses_are_violet_and_travel_back(gl_context, scene):
    net, lay, sample, scales = gl_setup()
    view = view_at(net, sample, scales, 2 * FORWARD + COMPARE + BACKWARD * sa.TRAVEL * 0.3)
    assert view.phase == "backward" and view.layer == 1 and view.pulse_position == pytest.approx(0.3)
    calm = render(scene, lay, view.params, view.activations)
    pulsed = render(scene, lay, view.params, view.activations, view.deltas, view)
    for link in range(4, 8):  # travelling from the outputs back: 30 % of the way = fraction 0.7 of the line
        gain = segment_pixels(pulsed, lay, link, 0.6, 0.8).max(axis=0) - segment_pixels(calm, lay, link, 0.6, 0.8).max(axis=0)
        assert gain.sum() > 100 and gain[2] > gain[1] + 20 and gain[0] > gain[1], (link, gain)
        behind_travel = np.abs(segment_pixels(pulsed, lay, link, 0.05, 0.3) - segment_pixels(calm, lay, link, 0.05, 0.3))
        assert behind_travel.max() <= 3  # not there yet


@pytest.mark.gl
def test_weight_change_flash_lights_the_connections_that_change(gl_context, scene):
    net, lay, sample, scales = gl_setup()
    view = view_at(net, sample, scales, 2 * FORWARD + COMPARE + 2 * BACKWARD + UPDATE * 0.4)
    assert view.phase == "update" and view.change > 0.8
    calm = render(scene, lay, view.params, view.activations)
    flashed = render(scene, lay, view.params, view.activations, view.deltas, view)
    for link in range(8):
        gain = segment_pixels(flashed, lay, link, 0.3, 0.7).sum() - segment_pixels(calm, lay, link, 0.3, 0.7).sum()
        assert gain > 500, (link, gain)


@pytest.mark.gl
def test_scene_releases_the_deltas_buffer(gl_context):
    from pyglet import gl

    from glnn.view.scene import NetworkScene
    net, lay, sample, scales = gl_setup()
    s = NetworkScene(W, H)
    view = view_at(net, sample, scales, 5.0)
    render(s, lay, view.params, view.activations, view.deltas, view)
    buffer, texture = s.deltas.buffer.id.value, s.deltas.texture.value
    assert gl.glIsBuffer(buffer) and gl.glIsTexture(texture)
    s.release()
    gl.glFinish()
    assert not gl.glIsBuffer(buffer) and not gl.glIsTexture(texture)


@pytest.mark.gl
def test_screenshot_of_the_backward_pass_shows_violet_pulses_and_refusal(tmp_path):
    from PIL import Image
    from test_screenshot import assert_one_line_error, run_glnn
    at = 2 * FORWARD + COMPARE + BACKWARD * sa.TRAVEL * 0.5
    proc = run_glnn(["--screenshot", "b.png", "--size", "800x600", "--iterations", "300", "--animate-at", str(at)],
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = run_glnn(["--screenshot", "calm.png", "--size", "800x600", "--iterations", "300"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    scene = {}
    for name in ("b", "calm"):
        with Image.open(tmp_path / f"{name}.png") as im:
            px = np.array(im.convert("RGB")).astype(int)[70:480, 560:720]  # between hidden and outputs
        r, g, b = px[..., 0], px[..., 1], px[..., 2]
        scene[name] = int(((b > 150) & (r > 110) & (g < 0.7 * r)).sum())  # violet
    assert scene["b"] > 200 and scene["b"] > 5 * scene["calm"], scene
    line = assert_one_line_error(run_glnn(["--animate-at", "2"], cwd=tmp_path))
    assert "--animate-at" in line
