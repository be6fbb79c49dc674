from ticketcost.cli import main

main()
