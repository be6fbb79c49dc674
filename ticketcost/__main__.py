from ticketcost.cli import main

raise SystemExit(main())
