// Exact 8x8 unsigned multiplier written as shift-and-add rows of 8-bit ripple adders.
// Style: non-ANSI headers, vectors, replication, concatenation, part selects,
// two levels of hierarchy with named port connections.
module fa (a, b, ci, s, co);
  input a, b, ci;
  output s, co;
  wire t;
  assign t = a ^ b;
  assign s = t ^ ci;
  assign co = (a & b) | (t & ci);
endmodule

/* x + y over 8 bits, carry out in co */
module add8 (x, y, s, co);
  input [7:0] x, y;
  output [7:0] s;
  output co;
  wire [8:0] c;
  assign c[0] = 1'b0;
  fa f0 (.a(x[0]), .b(y[0]), .ci(c[0]), .s(s[0]), .co(c[1]));
  fa f1 (.a(x[1]), .b(y[1]), .ci(c[1]), .s(s[1]), .co(c[2]));
  fa f2 (.a(x[2]), .b(y[2]), .ci(c[2]), .s(s[2]), .co(c[3]));
  fa f3 (.a(x[3]), .b(y[3]), .ci(c[3]), .s(s[3]), .co(c[4]));
  fa f4 (.a(x[4]), .b(y[4]), .ci(c[4]), .s(s[4]), .co(c[5]));
  fa f5 (.a(x[5]), .b(y[5]), .ci(c[5]), .s(s[5]), .co(c[6]));
  fa f6 (.a(x[6]), .b(y[6]), .ci(c[6]), .s(s[6]), .co(c[7]));
  fa f7 (.a(x[7]), .b(y[7]), .ci(c[7]), .s(s[7]), .co(c[8]));
  assign co = c[8];
endmodule

module mul8_shift_add (A, B, O);
  input [7:0] A;
  input [7:0] B;
  output [15:0] O;
  wire [15:0] O;
  wire [7:0] pp0, pp1, pp2, pp3, pp4, pp5, pp6, pp7;
  wire [7:0] s1, s2, s3, s4, s5, s6, s7;
  wire c1, c2, c3, c4, c5, c6, c7;
  assign pp0 = A & {8{B[0]}};
  assign pp1 = A & {8{B[1]}};
  assign pp2 = A & {8{B[2]}};
  assign pp3 = A & {8{B[3]}};
  assign pp4 = A & {8{B[4]}};
  assign pp5 = A & {8{B[5]}};
  assign pp6 = A & {8{B[6]}};
  assign pp7 = A & {8{B[7]}};
  add8 u1 (.x({1'b0, pp0[7:1]}), .y(pp1), .s(s1), .co(c1));
  add8 u2 (.x({c1, s1[7:1]}), .y(pp2), .s(s2), .co(c2));
  add8 u3 (.x({c2, s2[7:1]}), .y(pp3), .s(s3), .co(c3));
  add8 u4 (.x({c3, s3[7:1]}), .y(pp4), .s(s4), .co(c4));
  add8 u5 (.x({c4, s4[7:1]}), .y(pp5), .s(s5), .co(c5));
  add8 u6 (.x({c5, s5[7:1]}), .y(pp6), .s(s6), .co(c6));
  add8 u7 (.x({c6, s6[7:1]}), .y(pp7), .s(s7), .co(c7));
  assign O = {c7, s7, s6[0], s5[0], s4[0], s3[0], s2[0], s1[0], pp0[0]};
endmodule
