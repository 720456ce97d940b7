// What CRM Ventas's frontend does (frontend_react/src/context/SocketContext.tsx): connect with
// socket.io-client, emit `subscribe_notifications {user_id}` once connected, then listen for
// `new_notification` and `notification_count_update`. Each event it receives is printed as one
// JSON line on stdout, in arrival order; "READY" once the server confirmed the subscription.
// Usage: node frontend_listener.mjs <server url> <user id>. Ends when stdin closes.
import { io } from "socket.io-client";

const [url, userId] = process.argv.slice(2);
const socket = io(url, { transports: ["websocket"], reconnection: false });
const print = (event, data) => process.stdout.write(JSON.stringify({ event, data }) + "\n");

socket.on("connect", () => socket.emit("subscribe_notifications", { user_id: userId }));
socket.on("notification_subscribed", () => process.stdout.write("READY\n"));
socket.on("new_notification", (data) => print("new_notification", data));
socket.on("notification_count_update", (data) => print("notification_count_update", data));
socket.on("connect_error", (err) => {
  process.stderr.write(`connect_error: ${err.message}\n`);
  process.exit(3);
});

process.stdin.on("end", () => {
  socket.close();
  process.exit(0);
});
process.stdin.resume();
