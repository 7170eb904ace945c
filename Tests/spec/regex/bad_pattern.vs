try { re.find("(unclosed", "x") } catch e { print(e.kind, e.message) }  # expect: value re.find(): "(unclosed" is not a valid regular expression
try { re.replace("a", "abc", 5) } catch e { print(e.message) }  # expect: re.replace(): with must be a string or a function, not int
try { re.replace("a", "abc", fn(m) { 1 }) } catch e { print(e.message) }  # expect: re.replace(): the function must return a string, not int
try { re.split(",", "a", limit: -1) } catch e { print(e.message) }  # expect: re.split(): limit must not be negative, not -1
try { re.replace("a", "a", "b", count: -1) } catch e { print(e.message) }  # expect: re.replace(): count must not be negative, not -1
try { re.find(1, "a") } catch e { print(e.message) }  # expect: re.find(): argument pattern must be a string, not int
