# A script's own codes are caught by name too; a lowercase name after catch names the error.
try { throw error("STATE", "no cluster") } catch STATE as e { print(e.code, e.message) }  # expect: STATE no cluster
try { throw error("E2", "two") } catch E2 { print("E2 caught") }  # expect: E2 caught
try { throw error("X", "one letter") } catch X { print("X is a name here:", X.code) }  # expect: X is a name here: X
