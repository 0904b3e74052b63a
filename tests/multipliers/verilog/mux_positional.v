// Products of the low nibbles only, through a 4x4 array written with positional
// connections, ?: selections and XNOR forms: O = A[3:0] * B[3:0].
module ha4 (a, b, s, c);
  input a, b;
  output s, c;
  assign s = ~(a ~^ b);
  assign c = a ? b : 1'b0;
endmodule

module fa4 (a, b, ci, s, co);
  input a, b, ci;
  output s, co;
  wire s1, c1, c2;
  ha4 h1 (a, b, s1, c1);
  ha4 h2 (s1, ci, s, c2);
  assign co = c1 | c2;
endmodule

module low_nibbles (A, B, O);
  input [7:0] A, B;
  output [15:0] O;
  wire [3:0] r0, r1, r2, r3;
  wire [3:0] t1, t2, t3;
  wire k1, k2, k3;
  wire [4:0] u1, u2;
  assign r0 = B[0] ? A[3:0] : 4'b0000;
  assign r1 = B[1] ? A[3:0] : 4'h0;
  assign r2 = B[2] ? A[3:0] : 4'd0;
  assign r3 = B[3] ? A[3:0] : 0;
  // row 1: (r0 >> 1) + r1
  wire [4:0] w1;
  ha4 a10 (r0[1], r1[0], t1[0], w1[1]);
  fa4 a11 (r0[2], r1[1], w1[1], t1[1], w1[2]);
  fa4 a12 (r0[3], r1[2], w1[2], t1[2], w1[3]);
  ha4 a13 (r1[3], w1[3], t1[3], k1);
  // row 2: ({k1, t1} >> 1) + r2
  wire [4:0] w2;
  ha4 a20 (t1[1], r2[0], t2[0], w2[1]);
  fa4 a21 (t1[2], r2[1], w2[1], t2[1], w2[2]);
  fa4 a22 (t1[3], r2[2], w2[2], t2[2], w2[3]);
  fa4 a23 (k1, r2[3], w2[3], t2[3], k2);
  // row 3: ({k2, t2} >> 1) + r3
  wire [4:0] w3;
  ha4 a30 (t2[1], r3[0], t3[0], w3[1]);
  fa4 a31 (t2[2], r3[1], w3[1], t3[1], w3[2]);
  fa4 a32 (t2[3], r3[2], w3[2], t3[2], w3[3]);
  fa4 a33 (k2, r3[3], w3[3], t3[3], k3);
  assign O[15:8] = 8'b0;
  assign O[7:0] = {k3, t3, t2[0], t1[0], r0[0]};
endmodule
