`timescale 1ns / 1ps
// Not a multiplier's function, but a multiplier's ports: O = (B[0] ? A : 0) + 256 * B.
// Style: ANSI header with a shared range (A, B), gate primitives with and without
// instance names, a wire with an initialiser, an escaped identifier, attributes.
(* keep_hierarchy = "yes" *)
module sel_and_copy (input [7:0] A, B, output wire [15:0] O);
  wire sel = B[0];
  wire \b.high ;
  and g0 (O[0], A[0], sel);
  and g1 (O[1], A[1], sel);
  and g2 (O[2], A[2], sel);
  and g3 (O[3], A[3], sel);
  and g4 (O[4], A[4], sel);
  and g5 (O[5], A[5], sel);
  and g6 (O[6], A[6], sel);
  and g7 (O[7], A[7], sel);
  buf (\b.high , B[7]);
  buf b0 (O[8], B[0]), b1 (O[9], B[1]);
  buf (O[10], B[2]);
  buf (O[11], B[3]);
  buf (O[12], B[4]);
  buf (O[13], B[5]);
  buf (O[14], B[6]);
  buf (O[15], \b.high );
endmodule
