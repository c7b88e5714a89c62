"""One blueprint per area of the product; views parse, call a service, render."""
