let ok = 1
let = 2
