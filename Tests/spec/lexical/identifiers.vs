let _private = 1
let snake_case_2 = 2
let camelCase = 3
let ABC = 4
print(_private + snake_case_2 + camelCase + ABC)  # expect: 10
