#version 330 core
// Bloom, step 2: one direction of a separable 9-tap Gaussian (linear sampling, 5 fetches).
in vec2 v_uv;
out vec4 f_color;
uniform sampler2D u_source;
uniform vec2 u_step;   // one texel along the blur direction, in uv units
void main() {
    const float offsets[3] = float[](0.0, 1.3846153846, 3.2307692308);
    const float weights[3] = float[](0.2270270270, 0.3162162162, 0.0702702703);
    vec3 sum = texture(u_source, v_uv).rgb * weights[0];
    for (int i = 1; i < 3; ++i) {
        sum += texture(u_source, v_uv + u_step * offsets[i]).rgb * weights[i];
        sum += texture(u_source, v_uv - u_step * offsets[i]).rgb * weights[i];
    }
    f_color = vec4(sum, 1.0);
}
