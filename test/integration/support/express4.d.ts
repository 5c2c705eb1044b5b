// Express 4, installed under the alias `express4`, shares Express 5's types closely enough here.
declare module 'express4' {
  import express from 'express';
  export default express;
}
