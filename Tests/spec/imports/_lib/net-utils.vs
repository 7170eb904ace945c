fn mask(prefix) { "/${prefix}" }
