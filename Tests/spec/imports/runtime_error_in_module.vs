import "./_lib/fails.vs" as fails
# expect error: division by zero
# expect error: --> Tests/spec/imports/_lib/fails.vs:1:15
# expect error: traceback (most recent call last):
# expect error:   Tests/spec/imports/runtime_error_in_module.vs:1:1 in <script>
# expect error:   Tests/spec/imports/_lib/fails.vs:2:1 in <script>
# expect error:   Tests/spec/imports/_lib/fails.vs:1:15 in boom
