// What nearly every operation file of the ledger uses: the HTTP edge and write helper, the caller's access, Marten.
global using Ledger.Api.Hosting;
global using Ledger.Api.Households;
global using Ledger.Api.Security;
global using Marten;
