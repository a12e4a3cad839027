"""Small owners of GL objects, and shader programs loaded by name from shaders/.

Each class owns exactly one kind of GL object and frees it in release(); nothing is
left to the garbage collector, which may run without a current context.
"""
from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np
from pyglet import gl
from pyglet.graphics import shader as _pyglet_shader
from pyglet.graphics.shader import Shader, ShaderProgram

BUFFER_SAMPLERS = (gl.GL_SAMPLER_BUFFER, gl.GL_INT_SAMPLER_BUFFER)


def patch_pyglet_buffer_samplers() -> None:
    """Teach pyglet's uniform introspection the GL 3.1 buffer samplers (samplerBuffer, isamplerBuffer).

    A ShaderProgram looks every active uniform's type up in pyglet's private table
    pyglet.graphics.shader._uniform_setters, which has no entry for buffer samplers: creating a
    program whose shader declares one (connections.vert, neurons.vert) raises KeyError. They are set
    like any sampler, with the texture unit as an int, so they get GL_SAMPLER_2D's entry. Private
    API: tests/test_gl.py fails if pyglet renames or reshapes that table. Idempotent, and leaves
    alone any entry pyglet comes to have of its own.
    """
    setters = _pyglet_shader._uniform_setters
    for sampler in BUFFER_SAMPLERS:
        setters.setdefault(sampler, setters[gl.GL_SAMPLER_2D])


def shader_dir() -> Path:
    """shaders/ inside the installed package (the wheel puts it there), else the source tree's."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "shaders", here.parent / "shaders"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("glnn's shaders/ folder is missing from the installation")


def shader_names() -> list[str]:
    return sorted(p.name for p in shader_dir().glob("*.vert")) + sorted(p.name for p in shader_dir().glob("*.frag"))


def load_program(vertex: str, fragment: str) -> ShaderProgram:
    d = shader_dir()
    vs = Shader((d / vertex).read_text(), "vertex")
    fs = Shader((d / fragment).read_text(), "fragment")
    patch_pyglet_buffer_samplers()  # before ShaderProgram introspects the uniforms
    return ShaderProgram(vs, fs)


def set_uniforms(program: ShaderProgram, **values) -> None:
    """Set each named uniform of `program` (which must be in use)."""
    for name, value in values.items():
        program[name] = value


class FrameStats:
    """Draw calls (and instances drawn by them) issued by glnn's own passes in the current frame."""
    draw_calls = 0
    instances = 0

    @classmethod
    def reset(cls) -> None:
        cls.draw_calls = cls.instances = 0


def draw_instanced(mode: int, vertices: int, instances: int) -> None:
    if instances > 0:
        gl.glDrawArraysInstanced(mode, 0, vertices, instances)
        FrameStats.draw_calls += 1
        FrameStats.instances += instances


def enable_alpha_blending() -> None:
    """Straight-alpha "over" for colour; alpha adds up as coverage (what bloom and the screen read)."""
    gl.glEnable(gl.GL_BLEND)
    gl.glBlendFuncSeparate(gl.GL_SRC_ALPHA, gl.GL_ONE_MINUS_SRC_ALPHA, gl.GL_ONE, gl.GL_ONE_MINUS_SRC_ALPHA)


def draw_quads(vao, instances: int) -> None:
    """One instanced draw of `instances` quads (4-vertex triangle strips expanded by the shader)."""
    vao.bind()
    draw_instanced(gl.GL_TRIANGLE_STRIP, 4, instances)


def draw_fullscreen_triangle() -> None:
    gl.glDrawArrays(gl.GL_TRIANGLES, 0, 3)
    FrameStats.draw_calls += 1


def check_error(where: str) -> None:
    err = gl.glGetError()
    if err != gl.GL_NO_ERROR:
        raise RuntimeError(f"OpenGL error 0x{err:04x} in {where}")


class VertexArray:
    def __init__(self):
        self.id = gl.GLuint()
        gl.glGenVertexArrays(1, ctypes.byref(self.id))

    def bind(self):
        gl.glBindVertexArray(self.id)

    def release(self):
        if self.id.value:
            gl.glDeleteVertexArrays(1, ctypes.byref(self.id))
            self.id = gl.GLuint()


class Buffer:
    """A GL buffer that grows when needed and otherwise updates in place (no per-frame allocation)."""

    def __init__(self, target: int = gl.GL_ARRAY_BUFFER, usage: int = gl.GL_DYNAMIC_DRAW):
        self.target, self.usage = target, usage
        self.id = gl.GLuint()
        gl.glGenBuffers(1, ctypes.byref(self.id))
        self.capacity = 0

    def upload(self, data: np.ndarray) -> None:
        data = np.ascontiguousarray(data)
        gl.glBindBuffer(self.target, self.id)
        if data.nbytes > self.capacity:
            self.capacity = max(data.nbytes, 16)
            gl.glBufferData(self.target, self.capacity, data.ctypes.data if data.nbytes else None, self.usage)
        elif data.nbytes:
            gl.glBufferSubData(self.target, 0, data.nbytes, data.ctypes.data)

    def release(self):
        if self.id.value:
            gl.glDeleteBuffers(1, ctypes.byref(self.id))
            self.id = gl.GLuint()


class TextureBuffer:
    """A buffer the shaders read with texelFetch (samplerBuffer): parameters, activations, positions."""

    def __init__(self, internal_format: int):
        self.format = internal_format
        self.buffer = Buffer(gl.GL_TEXTURE_BUFFER)
        self.texture = gl.GLuint()
        gl.glGenTextures(1, ctypes.byref(self.texture))
        self._attached_capacity = -1

    def upload(self, data: np.ndarray) -> None:
        self.buffer.upload(data)
        if self.buffer.capacity != self._attached_capacity:  # re-attach only when storage was reallocated
            gl.glBindTexture(gl.GL_TEXTURE_BUFFER, self.texture)
            gl.glTexBuffer(gl.GL_TEXTURE_BUFFER, self.format, self.buffer.id)
            self._attached_capacity = self.buffer.capacity

    def bind(self, unit: int) -> None:
        gl.glActiveTexture(gl.GL_TEXTURE0 + unit)
        gl.glBindTexture(gl.GL_TEXTURE_BUFFER, self.texture)

    def release(self):
        self.buffer.release()
        if self.texture.value:
            gl.glDeleteTextures(1, ctypes.byref(self.texture))
            self.texture = gl.GLuint()


class RenderTarget:
    """A framebuffer with one colour texture: floating-point by default (values above 1 survive for the
    bloom), or `internal_format` (GL_RGBA8 for a finished picture)."""

    def __init__(self, width: int, height: int, internal_format: int = gl.GL_RGBA16F):
        self.internal_format = internal_format
        self.fbo = gl.GLuint()
        self.texture = gl.GLuint()
        gl.glGenFramebuffers(1, ctypes.byref(self.fbo))
        gl.glGenTextures(1, ctypes.byref(self.texture))
        self.width = self.height = 0
        self.resize(width, height)

    def resize(self, width: int, height: int) -> None:
        width, height = max(1, int(width)), max(1, int(height))
        if (width, height) == (self.width, self.height):
            return
        self.width, self.height = width, height
        gl.glBindTexture(gl.GL_TEXTURE_2D, self.texture)
        gl.glTexImage2D(gl.GL_TEXTURE_2D, 0, self.internal_format, width, height, 0, gl.GL_RGBA, gl.GL_FLOAT, None)
        for param, value in ((gl.GL_TEXTURE_MIN_FILTER, gl.GL_LINEAR), (gl.GL_TEXTURE_MAG_FILTER, gl.GL_LINEAR),
                             (gl.GL_TEXTURE_WRAP_S, gl.GL_CLAMP_TO_EDGE), (gl.GL_TEXTURE_WRAP_T, gl.GL_CLAMP_TO_EDGE)):
            gl.glTexParameteri(gl.GL_TEXTURE_2D, param, value)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, self.fbo)
        gl.glFramebufferTexture2D(gl.GL_FRAMEBUFFER, gl.GL_COLOR_ATTACHMENT0, gl.GL_TEXTURE_2D, self.texture, 0)
        status = gl.glCheckFramebufferStatus(gl.GL_FRAMEBUFFER)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        if status != gl.GL_FRAMEBUFFER_COMPLETE:
            raise RuntimeError(f"framebuffer incomplete: 0x{status:x}")

    def bind_for_drawing(self) -> None:
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, self.fbo)
        gl.glViewport(0, 0, self.width, self.height)

    def bind_texture(self, unit: int) -> None:
        gl.glActiveTexture(gl.GL_TEXTURE0 + unit)
        gl.glBindTexture(gl.GL_TEXTURE_2D, self.texture)

    def copy_to_screen(self, width: int, height: int) -> None:
        """This picture into the default framebuffer's lower left width x height pixels (a blit: a copy,
        stretched with linear filtering if the sizes differ, not a pass of a shader), which is left bound, its
        viewport that rectangle."""
        gl.glDisable(gl.GL_SCISSOR_TEST)  # a blit is clipped by it (ImGui leaves it as it found it)
        gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, self.fbo)
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, 0)
        stretch = (width, height) != (self.width, self.height)
        gl.glBlitFramebuffer(0, 0, self.width, self.height, 0, 0, width, height, gl.GL_COLOR_BUFFER_BIT,
                             gl.GL_LINEAR if stretch else gl.GL_NEAREST)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        gl.glViewport(0, 0, width, height)

    def release(self):
        if self.fbo.value:
            gl.glDeleteFramebuffers(1, ctypes.byref(self.fbo))
            self.fbo = gl.GLuint()
        if self.texture.value:
            gl.glDeleteTextures(1, ctypes.byref(self.texture))
            self.texture = gl.GLuint()
