"""The booking engine shared by information events and training: seats, waiting lists,
offers of freed seats, and private links. It has no pages of its own."""
