# Keywords are fine as map keys and member names.
let m = {if: 1, in: 2, "for": 3}
print(m.if + m.in + m.for)  # expect: 6
print(m)  # expect: {"if": 1, "in": 2, "for": 3}
