using FocusedQuantization.Silo;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddFqSilo(SiloSettings.FromConfiguration(builder.Configuration));
await builder.Build().RunAsync();
