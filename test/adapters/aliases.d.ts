// The older majors are installed under npm aliases; they share the types of the current major where they ship none.
declare module 'express4' {
  import express from 'express'
  export default express
}
declare module 'koa2' {
  import Koa from 'koa'
  export default Koa
}
