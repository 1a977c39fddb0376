from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
REAL = SHARED / "corpus" / "real"
REAL_PDF = SHARED / "corpus" / "real-pdf"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
