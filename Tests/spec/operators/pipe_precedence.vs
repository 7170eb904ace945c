# |> binds loosest: the whole left side is piped.
print(1 + 2 |> str |> len)  # expect: 1
print([3, 1] |> sorted() |> len)  # expect: 2
fn wrap(x, left = "[", right = "]") { left + str(x) + right }
print(5 |> wrap(right: ">"))  # expect: [5>
