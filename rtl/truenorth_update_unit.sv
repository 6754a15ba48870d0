// TrueNorth neuron update unit: one neuron at a time, valid/ready streaming with back-pressure.
// Bit-exact with the golden model (models/truenorth_neuron.h, truenorth_step) and cycle-exact with
// its C++ cycle model (models/truenorth_update_unit.h), whose timing is:
//   accept (1 cycle): the deterministic axon types are integrated at once, the neuron's random
//     key h = mix64(mix64(seed ^ {population, neuron}) ^ step) is computed;
//   events (1 cycle per stochastic synaptic event): each event of a stochastic type with a
//     non-zero weight draws rho = mix64(h ^ {3, G << 24 | e})[63:56] and adds sgn(w) if |w| >= rho,
//     types in order 0..3;
//   finish (1 cycle, when the output register is free): saturation, leak (its draw with purpose
//     2), saturation, threshold (its draw with purpose 1, masked), fire and reset, saturation.
// The pseudo-random generator is the model's CounterRng (models/counter_rng.h): the same
// splitmix64 chain and keys, so a stochastic neuron draws the same numbers wherever it runs.
// Operand domain: v_i in the 20-bit range, counts_i[G] <= 2^24, the parameter ranges of the
// network format (weights and leak 9-bit signed, thresholds 18-bit, reset 20-bit signed,
// reset_mode 0..2, prn_mask 8-bit).
module truenorth_update_unit (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Input stream: one neuron's state, parameters, input counts and random key.
  input  logic               in_valid_i,
  output logic               in_ready_o,
  input  logic signed [19:0] v_i,
  input  logic        [24:0] count0_i,
  input  logic        [24:0] count1_i,
  input  logic        [24:0] count2_i,
  input  logic        [24:0] count3_i,
  input  logic signed [8:0]  weight0_i,
  input  logic signed [8:0]  weight1_i,
  input  logic signed [8:0]  weight2_i,
  input  logic signed [8:0]  weight3_i,
  input  logic        [3:0]  stochastic_synapse_i,
  input  logic signed [8:0]  leak_i,
  input  logic               leak_reversal_i,
  input  logic               stochastic_leak_i,
  input  logic        [17:0] threshold_i,
  input  logic        [17:0] neg_threshold_i,
  input  logic signed [19:0] reset_i,
  input  logic        [1:0]  reset_mode_i,
  input  logic               neg_saturate_i,
  input  logic        [7:0]  prn_mask_i,
  input  logic        [63:0] seed_i,
  input  logic        [31:0] population_i,
  input  logic        [31:0] neuron_i,
  input  logic        [63:0] step_i,
  // Output stream: the new membrane potential and whether the neuron spiked.
  output logic               out_valid_o,
  input  logic               out_ready_i,
  output logic signed [19:0] v_o,
  output logic               spike_o
);
  localparam logic signed [39:0] VMin = -40'sd524288;  // -2^19
  localparam logic signed [39:0] VMax = 40'sd524287;   //  2^19 - 1
  localparam logic [31:0] PurposeThreshold = 32'd1;
  localparam logic [31:0] PurposeLeak = 32'd2;
  localparam logic [31:0] PurposeSynapse = 32'd3;

  function automatic logic [63:0] mix64(input logic [63:0] x);
    logic [63:0] z;
    z = x + 64'h9E3779B97F4A7C15;
    z = (z ^ (z >> 30)) * 64'hBF58476D1CE4E5B9;
    z = (z ^ (z >> 27)) * 64'h94D049BB133111EB;
    return z ^ (z >> 31);
  endfunction

  function automatic logic [7:0] draw(input logic [63:0] h, input logic [31:0] purpose,
                                      input logic [31:0] index);
    return 8'(mix64(h ^ {purpose, index}) >> 56);
  endfunction

  function automatic logic signed [39:0] saturate(input logic signed [39:0] x);
    if (x < VMin) return VMin;
    if (x > VMax) return VMax;
    return x;
  endfunction

  function automatic logic signed [39:0] sgn(input logic signed [39:0] x);
    if (x > 0) return 40'sd1;
    if (x < 0) return -40'sd1;
    return 40'sd0;
  endfunction

  typedef enum logic [1:0] {Idle, Events, Finish} state_e;

  // ---- registers -----------------------------------------------------------------------------
  state_e             state_d, state_q;
  logic signed [39:0] acc_d, acc_q;            // V during integration
  logic        [63:0] key_d, key_q;            // the neuron's random key h
  logic        [24:0] count_d[4], count_q[4];  // events of each type
  logic signed [8:0]  weight_d[4], weight_q[4];
  logic        [3:0]  stoch_d, stoch_q;
  logic        [1:0]  type_d, type_q;          // G of the current stochastic event
  logic        [24:0] event_d, event_q;        // e of the current stochastic event
  logic signed [8:0]  leak_d, leak_q;
  logic               leak_rev_d, leak_rev_q, stoch_leak_d, stoch_leak_q;
  logic        [17:0] thr_d, thr_q, neg_thr_d, neg_thr_q;
  logic signed [19:0] reset_d, reset_q;
  logic        [1:0]  mode_d, mode_q;
  logic               neg_sat_d, neg_sat_q;
  logic        [7:0]  mask_d, mask_q;
  logic               out_valid_d, out_valid_q;
  logic signed [19:0] out_v_d, out_v_q;
  logic               out_spike_d, out_spike_q;

  // The first stochastic type at or after G = from with events and a non-zero weight.
  function automatic logic [2:0] next_type(input logic [3:0] stoch, input logic [24:0] c0,
                                           input logic [24:0] c1, input logic [24:0] c2,
                                           input logic [24:0] c3, input logic signed [8:0] w0,
                                           input logic signed [8:0] w1, input logic signed [8:0] w2,
                                           input logic signed [8:0] w3, input logic [2:0] from);
    logic [24:0] c[4];
    logic signed [8:0] w[4];
    c[0] = c0; c[1] = c1; c[2] = c2; c[3] = c3;
    w[0] = w0; w[1] = w1; w[2] = w2; w[3] = w3;
    for (int g = 0; g < 4; g++) begin
      if (3'(g) >= from && stoch[g] && c[g] != 25'd0 && w[g] != 9'sd0) return 3'(g);
    end
    return 3'd4;  // none
  endfunction

  logic out_free;
  assign out_free = !out_valid_q || out_ready_i;
  assign in_ready_o = state_q == Idle;
  assign out_valid_o = out_valid_q;
  assign v_o = out_v_q;
  assign spike_o = out_spike_q;

  // ---- accept: deterministic integration and the key -----------------------------------------
  logic signed [39:0] det_sum;
  logic        [63:0] key_in;
  logic        [2:0]  first_type;
  always_comb begin
    det_sum = 40'(v_i);
    if (!stochastic_synapse_i[0]) det_sum = det_sum + $signed({15'b0, count0_i}) * 40'(weight0_i);
    if (!stochastic_synapse_i[1]) det_sum = det_sum + $signed({15'b0, count1_i}) * 40'(weight1_i);
    if (!stochastic_synapse_i[2]) det_sum = det_sum + $signed({15'b0, count2_i}) * 40'(weight2_i);
    if (!stochastic_synapse_i[3]) det_sum = det_sum + $signed({15'b0, count3_i}) * 40'(weight3_i);
    key_in = mix64(mix64(seed_i ^ {population_i, neuron_i}) ^ step_i);
    first_type = next_type(stochastic_synapse_i, count0_i, count1_i, count2_i, count3_i,
                           weight0_i, weight1_i, weight2_i, weight3_i, 3'd0);
  end

  // ---- events: one stochastic synaptic event per cycle ---------------------------------------
  logic        [7:0]  rho_syn;
  logic signed [39:0] event_acc;
  logic        [8:0]  w_mag;
  logic        [2:0]  after_type;
  logic               last_event;
  always_comb begin
    rho_syn = draw(key_q, PurposeSynapse, {6'b0, type_q, event_q[23:0]});
    w_mag = weight_q[type_q][8] ? 9'(-weight_q[type_q]) : 9'(weight_q[type_q]);
    event_acc = acc_q;
    if ({1'b0, w_mag} >= {2'b0, rho_syn}) event_acc = acc_q + sgn(40'(weight_q[type_q]));
    last_event = event_q + 25'd1 == count_q[type_q];
    after_type = next_type(stoch_q, count_q[0], count_q[1], count_q[2], count_q[3], weight_q[0],
                           weight_q[1], weight_q[2], weight_q[3], 3'(type_q) + 3'd1);
  end

  // ---- finish: saturation, leak, threshold, fire and reset -----------------------------------
  logic signed [39:0] v1, omega, leak_next, v2, eta, alpha, beta, v3;
  logic        [7:0]  rho_leak, rho_thr;
  logic        [8:0]  leak_mag;
  logic               fire;
  always_comb begin
    v1 = saturate(acc_q);
    omega = leak_rev_q ? sgn(v1) : 40'sd1;
    rho_leak = draw(key_q, PurposeLeak, 32'd0);
    leak_mag = leak_q[8] ? 9'(-leak_q) : 9'(leak_q);
    leak_next = v1;
    if (!stoch_leak_q) begin
      leak_next = v1 + omega * 40'(leak_q);
    end else if (omega != 0 && leak_q != 9'sd0 && {1'b0, leak_mag} >= {2'b0, rho_leak}) begin
      leak_next = v1 + omega * sgn(40'(leak_q));
    end
    if (leak_rev_q && sgn(leak_next) != sgn(v1)) leak_next = 40'sd0;
    v2 = saturate(leak_next);
    rho_thr = draw(key_q, PurposeThreshold, 32'd0);
    eta = mask_q == 8'd0 ? 40'sd0 : $signed({32'b0, rho_thr & mask_q});
    alpha = $signed({22'b0, thr_q}) + eta;
    beta = $signed({22'b0, neg_thr_q}) + (neg_sat_q ? 40'sd0 : eta);
    fire = v2 >= alpha;
    v3 = v2;
    if (fire) begin
      case (mode_q)
        2'd0: v3 = 40'(reset_q);
        2'd1: v3 = v2 - alpha;
        default: v3 = v2;
      endcase
    end else if (v2 < -beta) begin
      if (neg_sat_q) begin
        v3 = -$signed({22'b0, neg_thr_q});
      end else begin
        case (mode_q)
          2'd0: v3 = -40'(reset_q);
          2'd1: v3 = v2 + beta;
          default: v3 = v2;
        endcase
      end
    end
    v3 = saturate(v3);
  end

  // ---- next state ----------------------------------------------------------------------------
  always_comb begin
    state_d = state_q;
    acc_d = acc_q;
    key_d = key_q;
    count_d = count_q;
    weight_d = weight_q;
    stoch_d = stoch_q;
    type_d = type_q;
    event_d = event_q;
    leak_d = leak_q;
    leak_rev_d = leak_rev_q;
    stoch_leak_d = stoch_leak_q;
    thr_d = thr_q;
    neg_thr_d = neg_thr_q;
    reset_d = reset_q;
    mode_d = mode_q;
    neg_sat_d = neg_sat_q;
    mask_d = mask_q;
    out_valid_d = out_valid_q && !out_ready_i;
    out_v_d = out_v_q;
    out_spike_d = out_spike_q;
    unique case (state_q)
      Idle: begin
        if (in_valid_i) begin
          acc_d = det_sum;
          key_d = key_in;
          count_d[0] = count0_i;
          count_d[1] = count1_i;
          count_d[2] = count2_i;
          count_d[3] = count3_i;
          weight_d[0] = weight0_i;
          weight_d[1] = weight1_i;
          weight_d[2] = weight2_i;
          weight_d[3] = weight3_i;
          stoch_d = stochastic_synapse_i;
          leak_d = leak_i;
          leak_rev_d = leak_reversal_i;
          stoch_leak_d = stochastic_leak_i;
          thr_d = threshold_i;
          neg_thr_d = neg_threshold_i;
          reset_d = reset_i;
          mode_d = reset_mode_i;
          neg_sat_d = neg_saturate_i;
          mask_d = prn_mask_i;
          type_d = first_type[1:0];
          event_d = 25'd0;
          state_d = first_type[2] ? Finish : Events;
        end
      end
      Events: begin
        acc_d = event_acc;
        if (last_event) begin
          event_d = 25'd0;
          type_d = after_type[1:0];
          if (after_type[2]) state_d = Finish;
        end else begin
          event_d = event_q + 25'd1;
        end
      end
      Finish: begin
        if (out_free) begin
          out_valid_d = 1'b1;
          out_v_d = 20'(v3);
          out_spike_d = fire;
          state_d = Idle;
        end
      end
      default: state_d = Idle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= Idle;
      acc_q <= '0;
      key_q <= '0;
      count_q <= '{default: '0};
      weight_q <= '{default: '0};
      stoch_q <= '0;
      type_q <= '0;
      event_q <= '0;
      leak_q <= '0;
      leak_rev_q <= 1'b0;
      stoch_leak_q <= 1'b0;
      thr_q <= '0;
      neg_thr_q <= '0;
      reset_q <= '0;
      mode_q <= '0;
      neg_sat_q <= 1'b0;
      mask_q <= '0;
      out_valid_q <= 1'b0;
      out_v_q <= '0;
      out_spike_q <= 1'b0;
    end else begin
      state_q <= state_d;
      acc_q <= acc_d;
      key_q <= key_d;
      count_q <= count_d;
      weight_q <= weight_d;
      stoch_q <= stoch_d;
      type_q <= type_d;
      event_q <= event_d;
      leak_q <= leak_d;
      leak_rev_q <= leak_rev_d;
      stoch_leak_q <= stoch_leak_d;
      thr_q <= thr_d;
      neg_thr_q <= neg_thr_d;
      reset_q <= reset_d;
      mode_q <= mode_d;
      neg_sat_q <= neg_sat_d;
      mask_q <= mask_d;
      out_valid_q <= out_valid_d;
      out_v_q <= out_v_d;
      out_spike_q <= out_spike_d;
    end
  end

  // ---- assertions ----------------------------------------------------------------------------
`ifndef SYNTHESIS
  always_comb begin
    if (in_valid_i && in_ready_o) begin
      InDomain_A: assert (count0_i <= 25'd16777216 && count1_i <= 25'd16777216 &&
                          count2_i <= 25'd16777216 && count3_i <= 25'd16777216 &&
                          reset_mode_i != 2'd3)
        else $error("truenorth_update_unit: an accepted input is outside the operand domain");
    end
    if (out_valid_q) begin
      VRange_A: assert (40'(out_v_q) >= VMin && 40'(out_v_q) <= VMax)
        else $error("truenorth_update_unit: v_o outside the 20-bit range");
    end
    ReadyIdle_A: assert (in_ready_o == (state_q == Idle))
      else $error("truenorth_update_unit: ready outside Idle");
  end
  /* verilator lint_off SYNCASYNCNET */
  ResetValues_A: assert property (@(posedge clk_i) !rst_ni |-> (state_q == Idle && !out_valid_q))
    else $error("truenorth_update_unit: not at its reset values during reset");
  StallHolds_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 (out_valid_o && !out_ready_i) |=> (out_valid_o && $stable(v_o) && $stable(spike_o)))
    else $error("truenorth_update_unit: a stalled output changed");
  /* verilator lint_on SYNCASYNCNET */
`endif
endmodule
