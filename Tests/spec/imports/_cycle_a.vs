import "./_cycle_b.vs" as b
let a = 1
