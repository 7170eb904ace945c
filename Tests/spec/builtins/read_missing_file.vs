read("/nonexistent/vcdscript/spec/file.txt")
# expect error: error[io]: cannot read /nonexistent/vcdscript/spec/file.txt
