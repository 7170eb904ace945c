import "../cycle_through_main.vs" as main
let x = 1
