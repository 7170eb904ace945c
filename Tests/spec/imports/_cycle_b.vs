import "./_cycle_a.vs" as a
let b = 2
