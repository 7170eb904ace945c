fn hello(name) { "hello ${name}" }
