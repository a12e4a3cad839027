"""The glow: bright pass at half size, separable blur at 1/2, 1/4 and 1/8, additive combine
(a quarter, 1/4 to 1/16, when the frame-time governor lowers it).

Each step sets all the GL state it relies on (framebuffer, viewport, blending, program,
textures), so the passes before and after it cannot leak state into it.
"""
from __future__ import annotations

from pyglet import gl

from glnn.view import globjects

LEVELS = 3


class BloomPass:
    def __init__(self, width: int, height: int):
        self.bright = globjects.load_program("fullscreen.vert", "bright.frag")
        self.blur = globjects.load_program("fullscreen.vert", "blur.frag")
        self.combine = globjects.load_program("fullscreen.vert", "combine.frag")
        self.vao = globjects.VertexArray()
        self.bright_target = globjects.RenderTarget(1, 1)
        self.ping = [globjects.RenderTarget(1, 1) for _ in range(LEVELS)]  # vertical result: the glow level
        self.pong = [globjects.RenderTarget(1, 1) for _ in range(LEVELS)]  # horizontal intermediate
        self.resize(width, height)

    def resize(self, width: int, height: int, divisor: int = 2) -> None:
        """The glow's buffers for a scene of width x height: the bright pass at 1/divisor of it (2; the
        frame-time governor asks for 4 when frames are slow), each blur level half the one before."""
        self.bright_target.resize(max(1, width // divisor), max(1, height // divisor))
        for k in range(LEVELS):
            w, h = max(1, width // (divisor << k)), max(1, height // (divisor << k))
            self.ping[k].resize(w, h)
            self.pong[k].resize(w, h)

    def _pass(self, program, target) -> None:
        if target is None:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        else:
            target.bind_for_drawing()
        gl.glDisable(gl.GL_BLEND)
        program.use()
        self.vao.bind()
        globjects.draw_fullscreen_triangle()

    def apply(self, scene: globjects.RenderTarget, out_size: tuple[int, int], strength: float,
              threshold: float, into: globjects.RenderTarget | None = None) -> None:
        """Read scene, write the glowing image to the default framebuffer (out_size in pixels), or `into`."""
        scene.bind_texture(0)
        self.bright["u_scene"] = 0
        self.bright["u_threshold"] = threshold
        self._pass(self.bright, self.bright_target)
        source = self.bright_target
        for k in range(LEVELS):
            source.bind_texture(0)
            self.blur["u_source"] = 0
            self.blur["u_step"] = (1.0 / self.pong[k].width, 0.0)
            self._pass(self.blur, self.pong[k])
            self.pong[k].bind_texture(0)
            self.blur["u_step"] = (0.0, 1.0 / self.ping[k].height)
            self._pass(self.blur, self.ping[k])
            source = self.ping[k]
        self._combine(scene, out_size, strength, into)

    def show_again(self, scene: globjects.RenderTarget, out_size: tuple[int, int], strength: float) -> None:
        """The scene with the glow the last `apply` made (kept until the next one), for a frame that
        does not redraw the scene: one pass, whatever was drawn."""
        self._combine(scene, out_size, strength)

    def combine_only(self, scene: globjects.RenderTarget, out_size: tuple[int, int],
                     into: globjects.RenderTarget | None = None) -> None:
        """Glow off: the scene alone, through the same tone curve."""
        self._combine(scene, out_size, 0.0, into)

    def _combine(self, scene: globjects.RenderTarget, out_size: tuple[int, int], strength: float,
                 into: globjects.RenderTarget | None = None) -> None:
        """The scene plus `strength` times the blurred levels, tone-mapped into the default framebuffer
        (out_size), or into `into`."""
        scene.bind_texture(0)
        for k in range(LEVELS):
            self.ping[k].bind_texture(k + 1)
        for k, name in enumerate(("u_scene", "u_glow0", "u_glow1", "u_glow2")):
            self.combine[name] = k
        self.combine["u_strength"] = strength
        if into is None:
            gl.glViewport(0, 0, *out_size)
        self._pass(self.combine, into)
        self.combine.stop()
        gl.glBindVertexArray(0)
        gl.glActiveTexture(gl.GL_TEXTURE0)

    def release(self) -> None:
        for target in (self.bright_target, *self.ping, *self.pong):
            target.release()
        self.vao.release()
        for program in (self.bright, self.blur, self.combine):
            program.delete()
