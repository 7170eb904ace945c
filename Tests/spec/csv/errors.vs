try { csv.decode("a,b\n1,2,3\n") } catch e { print(e.message) }  # expect: csv.decode(): line 2 has 3 fields, the header has 2
try { csv.decode("a\n\"open\n") } catch e { print(e.message) }  # expect: csv.decode(): the quoted field that starts on line 2 is never closed
try { csv.decode("a\n\"x\"y\n") } catch e { print(e.message) }  # expect: csv.decode(): line 2: "y" after a closing quote
try { csv.decode("a\n5\" disk\n") } catch e { print(e.message) }  # expect: csv.decode(): line 2: a quote inside an unquoted field
try { csv.decode("a,a\n1,2\n") } catch e { print(e.message) }  # expect: csv.decode(): the header names column "a" twice (line 1)
try { csv.encode([{tags: ["a"]}]) } catch e { print(e.message) }  # expect: csv.encode(): row 1, column tags is a list; a CSV field holds one value
try { csv.encode([1]) } catch e { print(e.message) }  # expect: csv.encode(): row 1 must be a map or a list, not int
try { csv.encode([[1, 2]], header: ["a"]) } catch e { print(e.message) }  # expect: csv.encode(): row 1 has 2 fields, the header has 1
try { csv.encode([], delimiter: "ab") } catch e { print(e.message) }  # expect: csv.encode(): delimiter must be one character other than a quote or a line break, not "ab"
try { csv.encode([], header: "a") } catch e { print(e.message) }  # expect: csv.encode(): header must be a list of column names, not string
print(repr(csv.encode([{pw: secret("hunter2")}])))  # expect: "pw\n********\n"
try { csv.encode([], header: ["a", 1]) } catch e { print(e.message) }  # expect: csv.encode(): each name in header must be a string, not int
