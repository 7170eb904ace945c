fn vip(gw, index = 0, suffix = "/32") { "${gw}[${index}]${suffix}" }
print(vip("g"))  # expect: g[0]/32
print(vip("g", 2))  # expect: g[2]/32
print(vip("g", suffix: "/24"))  # expect: g[0]/24
fn scaled(x, factor = x * 2) { x * factor }
print(scaled(3), scaled(3, 1))  # expect: 18 3
var made = 0
fn fresh(xs = []) { made += 1; xs.append(made); xs }
print(fresh(), fresh())  # expect: [1] [2]
# Defaults may use earlier parameters, also when those are captured by a closure, and also
# when a later parameter is given by name.
fn capturing(a, b = a + 1) { let get = fn() { a + b }; get() }
print(capturing(1))  # expect: 3
fn gap(a, b = a * 10, c = 0) { let g = fn() { b }; [a, g(), c] }
print(gap(2, c: 5))  # expect: [2, 20, 5]
