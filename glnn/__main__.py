import sys

from glnn.cli import main

sys.exit(main())
