let grid = [[1, 2], [3, 4]]
print(grid[1][0])  # expect: 3
grid[0][1] = 20
print(grid)  # expect: [[1, 20], [3, 4]]
let m = {rows: [[0]]}
m.rows[0][0] = 7
print(m.rows[0])  # expect: [7]
