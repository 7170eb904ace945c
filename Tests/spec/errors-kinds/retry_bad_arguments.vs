fn ok() { 1 }
try { retry(ok, times: 0) } catch e { print(e.message) }  # expect: retry(): times must be from 1 to 100, not 0
try { retry(ok, factor: 0.5) } catch e { print(e.message) }  # expect: retry(): factor must be from 1 to 10, not 0.5
try { retry(ok, backoff: -1s) } catch e { print(e.message) }  # expect: retry(): backoff must not be negative
try { retry(ok, on: 3) } catch e { print(e.message) }  # expect: retry(): on must be a list of error codes such as ["BUSY", "CONFLICT"], not int
try { retry(ok, on: [3]) } catch e { print(e.message) }  # expect: retry(): each code in on must be a string such as "BUSY", not int
try { retry(ok, on: ["BUZY"]) } catch e { print(e.message) }  # expect: retry(): unknown error code BUZY
try { retry(ok, backoff: "soon") } catch e { print(e.message) }  # expect: retry(): argument backoff must be a duration such as 30s, 5m or "1h30m", not "soon"
print(retry(ok, backoff: "2ms"))  # expect: 1
try { retry(42) } catch e { print(e.message) }  # expect: retry(): argument fn must be a function, not int
