// An unsigned 8x4 multiplier (8-bit activation A, 4-bit weight B, 12-bit product) as rows.
module mul8x4u_rows (input [7:0] A, input [3:0] B, output [11:0] O);
  assign O = (B[0] ? {4'b0, A} : 12'd0) + (B[1] ? {3'b0, A, 1'b0} : 12'd0)
           + (B[2] ? {2'b0, A, 2'b0} : 12'd0) + (B[3] ? {1'b0, A, 3'b0} : 12'd0);
endmodule
