fn double(x) { x * 2 }
fn add(x, y) { x + y }
print(3 |> double)  # expect: 6
print(3 |> add(4))  # expect: 7
print(3 |> double |> add(1) |> str)  # expect: 7
print([3, 1, 2] |> sorted(reverse: true))  # expect: [3, 2, 1]
let r = [1, 2, 3]
    |> sum
print(r)  # expect: 6
