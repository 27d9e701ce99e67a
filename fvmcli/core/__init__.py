"""Pure rules: plain values in, plain values out. No CLI, rendering or SQL here."""
