from safetynet.cli import main

raise SystemExit(main())
