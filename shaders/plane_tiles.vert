#version 330 core
// One instance per picture of the input plane: the output's decision map and a tile per neuron.
layout(location = 0) in vec4 i_rect;   // x, y, width, height in window pixels (origin top left)
layout(location = 1) in vec4 i_info;   // texture layer, value shown fully negative, value shown fully positive, 1 = the map

uniform vec2 u_viewport;

out vec2 v_uv;           // 0..1 across the picture, v = 0 at its top (the texture's first row)
out vec2 v_pixel;        // pixels from the picture's centre
flat out vec2 v_half;    // half the picture's size in pixels
flat out vec4 v_info;

void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
    vec2 pos = i_rect.xy + corner * i_rect.zw + (corner * 2.0 - 1.0);  // one pixel more each side: a soft edge
    v_uv = (pos - i_rect.xy) / i_rect.zw;
    v_half = i_rect.zw * 0.5;
    v_pixel = pos - (i_rect.xy + v_half);
    v_info = i_info;
    gl_Position = vec4(pos.x / u_viewport.x * 2.0 - 1.0, 1.0 - pos.y / u_viewport.y * 2.0, 0.0, 1.0);
}
