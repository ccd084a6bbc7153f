using FocusedQuantization.Telemetry;
using FocusedQuantization.Tracker;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddFqTelemetry(FqTelemetry.TrackerServiceName);
builder.AddTracker(TrackerOptions.FromConfiguration(builder.Configuration));
var app = builder.Build();
app.MapTracker();
app.Run();
