"""Sample data the demo and benchmarks generate: a reference CLEC\x27s resold lines and a month of activity."""
