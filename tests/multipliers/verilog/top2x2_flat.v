// Flat gate-level netlist in the style of published approximate circuits: only the two
// most significant bits of each operand are multiplied, O = (A[7:6] * B[7:6]) << 12.
// Style: one module, scalar wires, NAND/NOR forms, constants for the low outputs.
module mul8u_top2x2(A, B, O);
input [7:0] A;
input [7:0] B;
output [15:0] O;
wire n_0, n_1, n_2, n_3, n_4, n_5, n_6;
assign n_0 = ~(A[6] & B[6]);       // ~p0
assign n_1 = A[7] & B[6];
assign n_2 = A[6] & B[7];
assign n_3 = n_1 ^ n_2;            // p1
assign n_4 = ~(~n_1 | ~n_2);       // carry of p1 (a NOR of inverted inputs)
assign n_5 = (A[7] & B[7]) ^ n_4;  // p2
assign n_6 = A[7] & B[7] & n_4;    // p3
assign O[0] = 1'b0;
assign O[1] = 1'b0;
assign O[2] = 1'b0;
assign O[3] = 1'b0;
assign O[4] = 1'b0;
assign O[5] = 1'b0;
assign O[6] = 1'b0;
assign O[7] = 1'b0;
assign O[8] = 1'b0;
assign O[9] = 1'b0;
assign O[10] = 1'b0;
assign O[11] = 1'b0;
assign O[12] = ~n_0;
assign O[13] = n_3;
assign O[14] = n_5;
assign O[15] = n_6;
endmodule
