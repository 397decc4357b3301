// Order service entry point (Vigil demo workspace).
const express = require('express');
const _ = require('lodash');

const app = express();
app.get('/orders', (req, res) => res.json(_.merge({}, { orders: [] }, req.query)));
app.listen(process.env.PORT || 3000);
