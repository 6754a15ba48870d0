// Loihi-style CUBA LIF neuron update unit: one neuron per cycle, two pipeline stages, valid/ready
// streaming with back-pressure. Bit-exact with the golden model (models/loihi_lif.h,
// models/lif_update_unit.h) over the model's whole operand domain (docs/rtl.md, "Widths"):
//   u_i in [-(2^51) + 1, 2^51 - 1] (52-bit signed: the model's u after its single wrap, bounded
//   by the input limit), v_i in [-(2^23) + 1, 2^23 - 1], a_i in [-(2^33) + 1, 2^33 - 1] (34-bit
//   signed: the expansion refuses a neuron whose summed input could reach 2^33), du/dv 12-bit,
//   vth 17-bit, bias mantissa 13-bit signed, exponent 4-bit signed.
// Refractory extension (off when ref_period_i is 0): a neuron with ref_left_i > 0 integrates u,
// holds v at 0, cannot spike and leaves with ref_left_o = ref_left_i - 1; a spike sets
// ref_left_o = ref_period_i.
// The domain is closed: outputs always lie inside it.
//
// Mutation testing (scripts/mutate-rtl) derives its mutants from this file: operator swaps,
// constants off by one, dropped saturation and wrap, stuck handshake signals (docs/rtl.md).
module lif_update_unit (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Input stream: one neuron's state, parameters and summed synaptic input.
  input  logic               in_valid_i,
  output logic               in_ready_o,
  input  logic signed [51:0] u_i,
  input  logic signed [23:0] v_i,
  input  logic        [11:0] du_i,
  input  logic        [11:0] dv_i,
  input  logic        [16:0] vth_i,
  input  logic signed [12:0] bias_mant_i,
  input  logic signed [3:0]  bias_exp_i,
  input  logic signed [33:0] a_i,
  input  logic        [5:0]  ref_period_i,
  input  logic        [5:0]  ref_left_i,
  // Output stream: the new state and whether the neuron spiked.
  output logic               out_valid_o,
  input  logic               out_ready_i,
  output logic signed [51:0] u_o,
  output logic signed [23:0] v_o,
  output logic               spike_o,
  output logic        [5:0]  ref_left_o
);
  localparam int unsigned DecayShift = 12;
  localparam int unsigned ActShift = 6;

  // ---- stage 1: decays and bias ------------------------------------------------------------
  logic               s1_valid_d, s1_valid_q;
  logic signed [51:0] s1_u_dec_d, s1_u_dec_q;
  logic signed [23:0] s1_v_dec_d, s1_v_dec_q;
  logic signed [20:0] s1_bias_d, s1_bias_q;
  logic signed [33:0] s1_a_d, s1_a_q;
  logic        [16:0] s1_vth_d, s1_vth_q;
  logic        [5:0]  s1_ref_period_d, s1_ref_period_q;
  logic        [5:0]  s1_ref_left_d, s1_ref_left_q;
  // ---- stage 2: output registers -----------------------------------------------------------
  logic               out_valid_d, out_valid_q;
  logic signed [51:0] out_u_d, out_u_q;
  logic signed [23:0] out_v_d, out_v_q;
  logic               out_spike_d, out_spike_q;
  logic        [5:0]  out_ref_left_d, out_ref_left_q;

  logic stall;
  assign stall = out_valid_q & ~out_ready_i;
  assign in_ready_o = ~stall;

  // sign(x * f) * (|x * f| >> 12), f unsigned 13-bit: u 52 + 14 = 66 bits, v 24 + 14 = 38.
  logic        [12:0] u_factor, v_factor;
  logic signed [65:0] u_prod;
  logic        [65:0] u_mag;
  logic signed [37:0] v_prod;
  logic        [37:0] v_mag;
  always_comb begin
    u_factor = 13'd4096 - {1'b0, du_i} - 13'd1;
    v_factor = 13'd4096 - {1'b0, dv_i};
    u_prod = 66'(u_i) * $signed({1'b0, u_factor});
    v_prod = 38'(v_i) * $signed({1'b0, v_factor});
    u_mag = u_prod[65] ? 66'(-u_prod) : 66'(u_prod);
    v_mag = v_prod[37] ? 38'(-v_prod) : 38'(v_prod);
  end

  logic signed [65:0] u_shift;
  logic signed [37:0] v_shift;
  logic signed [20:0] bias;
  always_comb begin
    u_shift = $signed(u_mag >> DecayShift);
    v_shift = $signed(v_mag >> DecayShift);
    if (bias_exp_i[3]) begin
      bias = 21'(bias_mant_i) >>> (5'(-bias_exp_i));
    end else begin
      bias = 21'(bias_mant_i) <<< bias_exp_i[2:0];
    end
    // A stalled pipeline holds every register.
    if (stall) begin
      s1_valid_d = s1_valid_q;
      s1_u_dec_d = s1_u_dec_q;
      s1_v_dec_d = s1_v_dec_q;
      s1_bias_d  = s1_bias_q;
      s1_a_d     = s1_a_q;
      s1_vth_d   = s1_vth_q;
      s1_ref_period_d = s1_ref_period_q;
      s1_ref_left_d = s1_ref_left_q;
    end else begin
      s1_valid_d = in_valid_i;
      s1_u_dec_d = u_prod[65] ? 52'(-u_shift) : 52'(u_shift);
      s1_v_dec_d = v_prod[37] ? 24'(-v_shift) : 24'(v_shift);
      s1_bias_d  = bias;
      s1_a_d     = a_i;
      s1_vth_d   = vth_i;
      s1_ref_period_d = ref_period_i;
      s1_ref_left_d = ref_left_i;
    end
  end

  // ---- stage 2 logic: input, wrap, voltage, saturation, threshold ---------------------------
  // 54 bits hold every sum: |u_dec| < 2^51 - 2^39, |a << 6| < 2^39, |v_dec| < 2^23, |bias| < 2^20.
  localparam logic signed [53:0] UvLimit = 54'sd8388608;  // 2^23
  localparam logic signed [53:0] VMax = 54'sd8388607;     // 2^23 - 1
  logic signed [53:0] u_sum, u_wrapped, v_sum, v_sat;
  logic signed [53:0] threshold;
  always_comb begin
    u_sum = 54'(s1_u_dec_q) + (54'(s1_a_q) <<< ActShift);
    if (u_sum > UvLimit) begin
      u_wrapped = u_sum - 54'sd16777216;
    end else if (u_sum <= -UvLimit) begin
      u_wrapped = u_sum + 54'sd16777216;
    end else begin
      u_wrapped = u_sum;
    end
    v_sum = 54'(s1_v_dec_q) + u_wrapped + 54'(s1_bias_q);
    if (v_sum > VMax) begin
      v_sat = VMax;
    end else if (v_sum < -VMax) begin
      v_sat = -VMax;
    end else begin
      v_sat = v_sum;
    end
    threshold = $signed({31'b0, s1_vth_q, 6'b0});
    if (stall) begin
      out_valid_d = out_valid_q;
      out_u_d = out_u_q;
      out_spike_d = out_spike_q;
      out_v_d = out_v_q;
      out_ref_left_d = out_ref_left_q;
    end else if (s1_ref_left_q != 6'd0) begin
      // Refractory: u integrates, v is held at 0, no spike.
      out_valid_d = s1_valid_q;
      out_u_d = 52'(u_wrapped);
      out_spike_d = 1'b0;
      out_v_d = 24'sd0;
      out_ref_left_d = s1_ref_left_q - 6'd1;
    end else begin
      out_valid_d = s1_valid_q;
      out_u_d = 52'(u_wrapped);
      out_spike_d = v_sat > threshold;
      out_v_d = out_spike_d ? 24'sd0 : 24'(v_sat);
      out_ref_left_d = out_spike_d ? s1_ref_period_q : 6'd0;
    end
  end

  // ---- registers ---------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s1_u_dec_q <= '0;
      s1_v_dec_q <= '0;
      s1_bias_q <= '0;
      s1_a_q <= '0;
      s1_vth_q <= '0;
      s1_ref_period_q <= '0;
      s1_ref_left_q <= '0;
      out_valid_q <= 1'b0;
      out_u_q <= '0;
      out_v_q <= '0;
      out_spike_q <= 1'b0;
      out_ref_left_q <= '0;
    end else begin
      s1_valid_q <= s1_valid_d;
      s1_u_dec_q <= s1_u_dec_d;
      s1_v_dec_q <= s1_v_dec_d;
      s1_bias_q <= s1_bias_d;
      s1_a_q <= s1_a_d;
      s1_vth_q <= s1_vth_d;
      s1_ref_period_q <= s1_ref_period_d;
      s1_ref_left_q <= s1_ref_left_d;
      out_valid_q <= out_valid_d;
      out_u_q <= out_u_d;
      out_v_q <= out_v_d;
      out_spike_q <= out_spike_d;
      out_ref_left_q <= out_ref_left_d;
    end
  end

  assign out_valid_o = out_valid_q;
  assign u_o = out_u_q;
  assign v_o = out_v_q;
  assign spike_o = out_spike_q;
  assign ref_left_o = out_ref_left_q;

  // ---- assertions ----------------------------------------------------------------------------
  // Checked where the unit is Verilated with --assert (the benches and the co-simulation,
  // rtl/CMakeLists.txt); a violation stops the simulation. docs/rtl.md lists them.
`ifndef SYNTHESIS
  localparam logic signed [53:0] UMax = 54'sd2251799813685247;  // 2^51 - 1
  logic        [52:0] u_abs;
  assign u_abs = u_i[51] ? 53'(-54'(u_i)) : 53'(u_i);
  always_comb begin
    // Handshake: ready is low exactly while a valid output is held back.
    ReadyRule_A: assert (in_ready_o == !(out_valid_o && !out_ready_i))
      else $error("lif_update_unit: in_ready_o is not !(out_valid_o && !out_ready_i)");
    // Inputs inside the operand domain (models/loihi_lif.h, docs/rtl.md): u and a are not the
    // most negative value of their ports, v is inside its rails, exponents in -8..7.
    if (in_valid_i && in_ready_o) begin
      InDomain_A: assert (u_i != -52'sd2251799813685248 && a_i != -34'sd8589934592 &&
                          v_i != -24'sd8388608)
        else $error("lif_update_unit: an accepted input is outside the operand domain");
      // The decay never makes |u| larger: no overflow in the product or the rounding.
      DecayShrinks_A: assert (u_shift <= 66'(u_abs))
        else $error("lif_update_unit: the current decay increased |u|");
    end
    // Stage 2: the sum and its wrap fit u's 52 bits (the only places that may cut a value are
    // the wrap and the v saturation).
    if (s1_valid_q) begin
      UFits_A: assert (u_wrapped >= -UMax && u_wrapped <= UMax)
        else $error("lif_update_unit: u overflows its 52 bits");
    end
    // Outputs: v inside its rails; a spike leaves v at 0 and starts the refractory count.
    if (out_valid_q) begin
      VRails_A: assert (out_v_q != -24'sd8388608)
        else $error("lif_update_unit: v_o outside +-(2^23 - 1)");
      SpikeResets_A: assert (!out_spike_q || out_v_q == 24'sd0)
        else $error("lif_update_unit: a spike did not reset v");
    end
  end
  /* verilator lint_off SYNCASYNCNET */
  // Reset: every register that carries meaning is cleared while rst_ni is low.
  ResetValues_A: assert property (@(posedge clk_i) !rst_ni |-> (!s1_valid_q && !out_valid_q &&
                                  out_u_q == '0 && out_v_q == '0 && !out_spike_q && out_ref_left_q == '0))
    else $error("lif_update_unit: a register is not at its reset value during reset");
  // A held-back output stays valid and unchanged until it is taken.
  StallHolds_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 (out_valid_o && !out_ready_i) |=> (out_valid_o && $stable(u_o) &&
                                 $stable(v_o) && $stable(spike_o) && $stable(ref_left_o)))
    else $error("lif_update_unit: a stalled output changed");
  // An output is valid only two edges after an accepted input, or while held.
  ValidFromInput_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                     out_valid_o |-> ($past(s1_valid_q) || $past(out_valid_o && !out_ready_i)))
    else $error("lif_update_unit: an output appeared without an input");
  /* verilator lint_on SYNCASYNCNET */
`endif
endmodule
