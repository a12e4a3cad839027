#version 330 core
in vec3 v_color;
in float v_alpha;
in float v_across;
in float v_half;
in float v_along;
flat in float v_pulse;
flat in float v_pulse_head;
flat in float v_pulse_dir;
flat in float v_pulse_radius;
uniform vec3 u_pulse_color;
out vec4 f_color;

void main() {
    // solid core, then a Gaussian fall-off exp(-d^2) over the last pixels: antialiased at any width
    float d = max(abs(v_across) - v_half + 0.5, 0.0);
    float coverage = exp(-d * d * 1.5);
    float line_alpha = v_alpha * coverage;
    if (v_pulse <= 0.0) {
        f_color = vec4(v_color, line_alpha);
        return;
    }
    // a pulse: a bright head with a comet's tail behind it, in the direction of travel
    float ahead = (v_along - v_pulse_head) * v_pulse_dir;  // > 0 in front of the head
    float reach = ahead > 0.0 ? v_pulse_radius : v_pulse_radius * 9.0;
    float glow = exp(-ahead * ahead / (reach * reach)) * exp(-v_across * v_across / (v_pulse_radius * v_pulse_radius));
    float pulse_alpha = clamp(v_pulse * glow * 1.4, 0.0, 1.0);
    float alpha = pulse_alpha + line_alpha * (1.0 - pulse_alpha);
    vec3 color = (u_pulse_color * pulse_alpha + v_color * line_alpha * (1.0 - pulse_alpha)) / max(alpha, 1e-4);
    f_color = vec4(color, alpha);
}
