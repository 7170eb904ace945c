import "./mathlib.vs" as m
fn twice(x) { m.add(x, x) }
