// A two's complement 8x8 multiplier written as shift-and-add rows with + and -:
// A * B = sum_{i<7} B[i] (A << i) - B[7] (A << 7), over 16 bits with A sign-extended.
module mul8s_shift_add (A, B, O);
  input signed [7:0] A;
  input signed [7:0] B;
  output signed [15:0] O;
  wire [15:0] a = {{8{A[7]}}, A};
  wire [15:0] r0 = B[0] ? a : 16'd0;
  wire [15:0] r1 = B[1] ? {a[14:0], 1'b0} : 16'd0;
  wire [15:0] r2 = B[2] ? {a[13:0], 2'b0} : 16'd0;
  wire [15:0] r3 = B[3] ? {a[12:0], 3'b0} : 16'd0;
  wire [15:0] r4 = B[4] ? {a[11:0], 4'b0} : 16'd0;
  wire [15:0] r5 = B[5] ? {a[10:0], 5'b0} : 16'd0;
  wire [15:0] r6 = B[6] ? {a[9:0], 6'b0} : 16'd0;
  wire [15:0] r7 = B[7] ? {a[8:0], 7'b0} : 16'd0;
  assign O = r0 + r1 + r2 + r3 + r4 + r5 + r6 - r7;
endmodule
