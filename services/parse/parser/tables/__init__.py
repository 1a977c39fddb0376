"""The three statistical tables: each module turns its region of the prepared text into the
record's table dict plus raw cells, ambiguity candidates and a readable flag."""
